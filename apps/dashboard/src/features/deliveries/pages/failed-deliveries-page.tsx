import type { DeliveryResponse, DestinationResponse } from '@hookyard/contracts';
import {
  Anchor,
  Button,
  Center,
  Group,
  Loader,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, useSearchParams } from 'react-router';
import { EmptyListState, ErrorState, LoadingState } from '../../../components/page-states';
import { DeliveryStatusBadge, StatusCodeBadge } from '../../../components/status-badges';
import { formatRelative, formatTime } from '../../../lib/format';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useDestinations } from '../../destinations/use-destinations';
import type { DeliveryFilters } from '../deliveries.api';
import {
  useDeliveries,
  useDeliveryCount,
  useRetryDeliveries,
  useRetryDelivery,
} from '../use-deliveries';

type FailedStatus = 'dead' | 'failed';

const STATUS_TEXT: Record<FailedStatus, { tab: string; noun: string; empty: string }> = {
  dead: {
    tab: 'Dead',
    noun: 'dead',
    empty: 'No delivery ran out of attempts.',
  },
  failed: {
    tab: 'Failing',
    noun: 'failing',
    empty: 'No delivery is waiting for another attempt after a failure.',
  },
};

/** Deliveries that failed (and will retry) or died, across destinations, and bulk retry. */
export function FailedDeliveriesPage() {
  const [params, setParams] = useSearchParams();
  const status: FailedStatus = params.get('status') === 'failed' ? 'failed' : 'dead';
  const destinationId = params.get('destination');
  const filters: DeliveryFilters = { status, ...(destinationId ? { destinationId } : {}) };

  const list = useDeliveries(filters);
  const destinations = useDestinations();
  const byId = new Map((destinations.data?.data ?? []).map((d) => [d.id, d]));
  const [confirming, confirm] = useDisclosure(false);
  const count = useDeliveryCount(filters, confirming);
  const bulk = useRetryDeliveries();
  const retryOne = useRetryDelivery();

  const setFilter = (name: 'status' | 'destination', value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const scope = destinationId ? ` to ${byId.get(destinationId)?.name ?? 'this destination'}` : '';

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>Failed deliveries</Title>
        <Button color="orange" disabled={rows.length === 0} onClick={confirm.open}>
          Retry all
        </Button>
      </Group>
      <Group align="flex-end" wrap="wrap">
        <SegmentedControl
          aria-label="Delivery status"
          value={status}
          onChange={(value) => setFilter('status', value === 'dead' ? null : value)}
          data={(['dead', 'failed'] as const).map((s) => ({ value: s, label: STATUS_TEXT[s].tab }))}
        />
        <Select
          label="Destination"
          placeholder="All destinations"
          data={(destinations.data?.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
          value={destinationId}
          onChange={(value) => setFilter('destination', value)}
          clearable
          searchable
          w={240}
        />
      </Group>

      {list.isPending ? (
        <LoadingState label="Loading deliveries…" />
      ) : list.isError ? (
        <ErrorState
          error={list.error}
          title="Could not load deliveries"
          onRetry={() => void list.refetch()}
        />
      ) : rows.length === 0 ? (
        <EmptyListState
          title={`No ${STATUS_TEXT[status].noun} deliveries`}
          description={STATUS_TEXT[status].empty}
        />
      ) : (
        <>
          <Table.ScrollContainer minWidth={760}>
            <Table highlightOnHover aria-label="Failed deliveries" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Destination</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Attempts</Table.Th>
                  <Table.Th>Last response</Table.Th>
                  <Table.Th>{status === 'failed' ? 'Next attempt' : 'Last change'}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((d) => (
                  <DeliveryRow
                    key={d.id}
                    delivery={d}
                    destination={d.destinationId ? byId.get(d.destinationId) : undefined}
                    retrying={retryOne.isPending && retryOne.variables === d.id}
                    onRetry={() =>
                      retryOne.mutate(d.id, {
                        onSuccess: () => notifySuccess('Retry scheduled'),
                        onError: (error) => notifyError('Could not retry', error),
                      })
                    }
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Center>
            {list.hasNextPage ? (
              <Button
                variant="default"
                loading={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                Load more
              </Button>
            ) : (
              <Text size="sm" c="dimmed">
                {countText(rows.length)}, all loaded
              </Text>
            )}
          </Center>
        </>
      )}

      <Modal
        opened={confirming}
        onClose={confirm.close}
        title={`Retry all ${STATUS_TEXT[status].noun} deliveries${scope}?`}
        centered
      >
        {count.isPending ? (
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm">Counting…</Text>
          </Group>
        ) : count.isError ? (
          <ErrorState error={count.error} title="Could not count them" />
        ) : (
          <Stack>
            <Text size="sm">
              {count.data.capped ? 'At least ' : ''}
              <strong>
                {count.data.count.toLocaleString()} {STATUS_TEXT[status].noun}{' '}
                {count.data.count === 1 ? 'delivery' : 'deliveries'}
              </strong>
              {scope} will be attempted again now.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={confirm.close}>
                Cancel
              </Button>
              <Button
                color="orange"
                disabled={count.data.count === 0}
                loading={bulk.isPending}
                onClick={() =>
                  bulk.mutate(
                    { status, ...(destinationId ? { destinationId } : {}) },
                    {
                      onSuccess: ({ count: scheduled }) => {
                        notifySuccess(
                          'Retry scheduled',
                          `${countText(scheduled)} will be attempted again`,
                        );
                        confirm.close();
                      },
                      onError: (error) => notifyError('Could not retry them', error),
                    },
                  )
                }
              >
                Retry {countText(count.data.count)}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

function countText(n: number): string {
  return `${n.toLocaleString()} ${n === 1 ? 'delivery' : 'deliveries'}`;
}

interface RowProps {
  delivery: DeliveryResponse;
  destination: DestinationResponse | undefined;
  retrying: boolean;
  onRetry: () => void;
}

function DeliveryRow({ delivery, destination, retrying, onRetry }: RowProps) {
  const when = delivery.status === 'failed' ? delivery.nextAttemptAt : delivery.updatedAt;
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/events/${delivery.eventId}`} ff="monospace" size="sm">
          {delivery.eventId.slice(0, 8)}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ wordBreak: 'break-all' }}>
          {destination?.name ?? delivery.url ?? 'deleted destination'}
        </Text>
      </Table.Td>
      <Table.Td>
        <DeliveryStatusBadge status={delivery.status} />
      </Table.Td>
      <Table.Td>{delivery.attemptCount}</Table.Td>
      <Table.Td>
        <StatusCodeBadge code={delivery.lastStatusCode} />
      </Table.Td>
      <Table.Td>
        {when ? (
          <Tooltip label={formatTime(when)} withArrow>
            <Text size="sm">{formatRelative(when)}</Text>
          </Tooltip>
        ) : (
          '—'
        )}
      </Table.Td>
      <Table.Td>
        <Button
          size="compact-xs"
          variant="light"
          loading={retrying}
          disabled={delivery.status !== 'failed' && delivery.status !== 'dead'}
          onClick={onRetry}
        >
          Retry
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}
