import type { DeliveryStatus, SourceResponse } from '@hookyard/contracts';
import { Anchor, Button, Center, Group, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { EmptyListState, ErrorState, LoadingState } from '../../../components/page-states';
import { useRecentDeliveries } from '../../deliveries/use-deliveries';
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
  const recent = useRecentDeliveries();

  const sourcesById = useMemo(
    () => new Map<string, SourceResponse>((sources.data?.data ?? []).map((s) => [s.id, s])),
    [sources.data],
  );
  const statusesByEvent = useMemo(() => {
    const map = new Map<string, DeliveryStatus[]>();
    for (const d of recent.data?.data ?? [])
      map.set(d.eventId, [...(map.get(d.eventId) ?? []), d.status]);
    return map;
  }, [recent.data]);

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
      ) : events.isError ? (
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
          <EventsTable events={rows} sources={sourcesById} deliveries={statusesByEvent} />
          <Center>
            {events.hasNextPage ? (
              <Button
                variant="default"
                loading={events.isFetchingNextPage}
                onClick={() => void events.fetchNextPage()}
              >
                Load more
              </Button>
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
