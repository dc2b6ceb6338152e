import type { DeliveryStatus, EventSummary, SourceResponse } from '@hookyard/contracts';
import { Anchor, Badge, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { Link } from 'react-router';
import {
  MethodBadge,
  VerificationBadge,
  deliveryStatusColor,
} from '../../../components/status-badges';
import { formatBytes, formatRelative, formatTime } from '../../../lib/format';
import { rollUp } from '../../deliveries/delivery-rollup';

interface Props {
  events: EventSummary[];
  sources: ReadonlyMap<string, SourceResponse>;
  /** Delivery statuses by event id, for the events whose deliveries are known. */
  deliveries: ReadonlyMap<string, DeliveryStatus[]>;
}

/** `/in/gh/ci?x=1`: the ingest path the request was sent to, with its sub-path and query. */
export function requestTarget(
  event: Pick<EventSummary, 'path' | 'query'>,
  source: Pick<SourceResponse, 'slug'> | undefined,
): string {
  const base = source ? `/in/${source.slug}` : '';
  const path = source && event.path === '/' ? '' : event.path;
  return `${base}${path}${event.query ? `?${event.query}` : ''}`;
}

/** One row per captured request, newest first; the path opens the event. */
export function EventsTable({ events, sources, deliveries }: Props) {
  const narrow = useMediaQuery('(max-width: 48em)');
  if (narrow) return <EventsList events={events} sources={sources} deliveries={deliveries} />;
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table highlightOnHover verticalSpacing="xs" aria-label="Events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={150}>Received</Table.Th>
            <Table.Th w={160}>Source</Table.Th>
            <Table.Th>Request</Table.Th>
            <Table.Th w={110}>Verification</Table.Th>
            <Table.Th w={130}>Deliveries</Table.Th>
            <Table.Th w={90} ta="right">
              Size
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <EventRow
              key={event.id}
              event={event}
              source={event.sourceId ? sources.get(event.sourceId) : undefined}
              statuses={deliveries.get(event.id)}
            />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** On a phone: one compact block per request instead of a wide table. */
function EventsList({ events, sources, deliveries }: Props) {
  return (
    <Stack gap={0} component="ul" aria-label="Events" p={0} m={0} style={{ listStyle: 'none' }}>
      {events.map((event) => {
        const source = event.sourceId ? sources.get(event.sourceId) : undefined;
        const statuses = deliveries.get(event.id);
        const rollup = statuses ? rollUp(statuses) : null;
        return (
          <Stack
            key={event.id}
            component="li"
            gap={4}
            py="xs"
            style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
          >
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <MethodBadge method={event.method} />
              <Anchor
                component={Link}
                to={`/events/${event.id}`}
                ff="monospace"
                size="sm"
                style={{ wordBreak: 'break-all' }}
              >
                {requestTarget(event, source)}
              </Anchor>
            </Group>
            <Group gap="xs">
              <Text size="xs" c="dimmed" component="time" dateTime={event.receivedAt}>
                {formatRelative(event.receivedAt)} · {formatBytes(event.size)}
              </Text>
              <VerificationBadge event={event} />
              {rollup && (
                <Badge color={deliveryStatusColor(rollup.status)} variant="dot" size="sm">
                  {rollup.label}
                </Badge>
              )}
            </Group>
          </Stack>
        );
      })}
    </Stack>
  );
}

interface RowProps {
  event: EventSummary;
  source: SourceResponse | undefined;
  statuses: DeliveryStatus[] | undefined;
}

function EventRow({ event, source, statuses }: RowProps) {
  const rollup = statuses ? rollUp(statuses) : null;
  return (
    <Table.Tr>
      <Table.Td>
        <Tooltip label={formatTime(event.receivedAt)} withArrow>
          <Text size="sm" component="time" dateTime={event.receivedAt}>
            {formatRelative(event.receivedAt)}
          </Text>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Text size="sm" truncate>
          {event.sourceId === null ? (
            <Text span c="dimmed" size="sm">
              test event
            </Text>
          ) : (
            (source?.name ?? 'deleted source')
          )}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <MethodBadge method={event.method} />
          <Anchor
            component={Link}
            to={`/events/${event.id}`}
            ff="monospace"
            size="sm"
            style={{ wordBreak: 'break-all' }}
          >
            {requestTarget(event, source)}
          </Anchor>
        </Group>
      </Table.Td>
      <Table.Td>
        <VerificationBadge event={event} />
      </Table.Td>
      <Table.Td>
        {rollup ? (
          <Badge color={deliveryStatusColor(rollup.status)} variant="dot">
            {rollup.label}
          </Badge>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Text size="sm" c="dimmed">
          {formatBytes(event.size)}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
