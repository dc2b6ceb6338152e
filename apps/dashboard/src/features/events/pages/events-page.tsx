import type { SourceResponse } from '@hookyard/contracts';
import { Anchor, Button, Center, Group, Stack, Text, Title } from '@mantine/core';
import { useCallback, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { EmptyListState, ErrorState, LoadingState } from '../../../components/page-states';
import { useSources } from '../../sources/use-sources';
import { EventFilters } from '../components/event-filters';
import { EventsTable } from '../components/events-table';
import {
  hasFilters,
  searchFromValues,
  toEventFilters,
  valuesFromSearch,
  type EventFilterValues,
} from '../event-filter-values';
import { useEvents } from '../use-events';

/** The live list of captured requests. */
export function EventsPage() {
  const [params, setParams] = useSearchParams();
  const values = valuesFromSearch(params);
  const search = searchFromValues(values).toString();
  // A time range counts back from when it was chosen (or the page opened), not from every render.
  const [chosenAt, setChosenAt] = useState(() => Date.now());
  const filters = useMemo(
    () => toEventFilters(valuesFromSearch(new URLSearchParams(search)), chosenAt),
    [search, chosenAt],
  );

  const events = useEvents(filters);
  const sources = useSources();

  const sourcesById = useMemo(
    () => new Map<string, SourceResponse>((sources.data?.data ?? []).map((s) => [s.id, s])),
    [sources.data],
  );

  // Scrolling near the end loads the next page; after a failure, only the button tries again.
  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage } = events;
  const loadMoreNearEnd = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage && !isFetchNextPageError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage]);

  const onChange = (next: EventFilterValues) => {
    setChosenAt(Date.now());
    setParams(searchFromValues(next), { replace: true });
  };

  const rows = events.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Events</Title>
      </Group>
      <EventFilters value={values} onChange={onChange} sources={sources.data?.data ?? []} />
      {events.isPending ? (
        <LoadingState label="Loading events…" />
      ) : events.isError && !events.data ? (
        <ErrorState
          error={events.error}
          title="Could not load events"
          onRetry={() => void events.refetch()}
        />
      ) : rows.length === 0 ? (
        hasFilters(values) ? (
          <EmptyListState
            title="No events match these filters"
            description="New requests that match will appear here as they arrive."
          />
        ) : (
          <EmptyListState
            title="No events yet"
            description={
              <>
                Send a request to a source&apos;s ingest URL and it appears here at once.{' '}
                <Anchor component={Link} to="/sources">
                  Sources
                </Anchor>
              </>
            }
          />
        )
      ) : (
        <>
          <EventsTable events={rows} sources={sourcesById} onNearEnd={loadMoreNearEnd} />
          <Center>
            {hasNextPage ? (
              <Stack gap={4} align="center">
                {isFetchNextPageError && (
                  <Text size="sm" c="red">
                    Could not load more events
                  </Text>
                )}
                <Button
                  variant="default"
                  loading={isFetchingNextPage}
                  onClick={() => void fetchNextPage()}
                >
                  Load more
                </Button>
              </Stack>
            ) : (
              <Text size="sm" c="dimmed">
                {rows.length} {rows.length === 1 ? 'event' : 'events'}, all loaded
              </Text>
            )}
          </Center>
        </>
      )}
    </Stack>
  );
}
