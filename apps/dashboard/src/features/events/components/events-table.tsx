import type { DeliveryCounts, EventSummary, SourceResponse } from '@hookyard/contracts';
import { Anchor, Badge, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useState } from 'react';
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
  /** Called while the rows near the end are rendered: time to load the next page. */
  onNearEnd?: () => void;
}

/** Rows rendered beyond the visible ones, above and below: Tab moves into them. */
const OVERSCAN = 8;
/** The next page is asked for once a row this close to the end is rendered. */
const LOAD_AHEAD = 10;
const COLUMNS = 6;

/** `/in/gh/ci?x=1`: the ingest path the request was sent to, with its sub-path and query. */
export function requestTarget(
  event: Pick<EventSummary, 'path' | 'query'>,
  source: Pick<SourceResponse, 'slug'> | undefined,
): string {
  const base = source ? `/in/${source.slug}` : '';
  const path = source && event.path === '/' ? '' : event.path;
  return `${base}${path}${event.query ? `?${event.query}` : ''}`;
}

/**
 * Rows of a page-long list, virtualised against the window: only the rows in and near the
 * viewport are in the DOM, measured as they render, and spacers (`before`, `after`) hold the
 * place of the others.
 */
function useVirtualRows(events: EventSummary[], estimatedHeight: number, onNearEnd?: () => void) {
  // Where the rows start on the page. Whatever above them changes size changes the body's size.
  const [top, setTop] = useState(0);
  const startRef = useCallback((node: HTMLElement | null) => {
    if (!node) return;
    const measure = () => setTop(node.getBoundingClientRect().top + window.scrollY);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  const virtualizer = useWindowVirtualizer({
    count: events.length,
    estimateSize: () => estimatedHeight,
    overscan: OVERSCAN,
    scrollMargin: top,
    getItemKey: (index) => events[index].id,
  });
  const rows = virtualizer.getVirtualItems();
  const last = rows.at(-1);
  const lastIndex = last?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= 0 && lastIndex >= events.length - 1 - LOAD_AHEAD) onNearEnd?.();
  }, [lastIndex, events.length, onNearEnd]);
  return {
    startRef,
    rows,
    before: rows.length > 0 ? rows[0].start - top : 0,
    after: last ? virtualizer.getTotalSize() - last.end : 0,
    measure: virtualizer.measureElement,
  };
}

/** One row per captured request, newest first; the path opens the event. */
export function EventsTable(props: Props) {
  const narrow = useMediaQuery('(max-width: 48em)');
  return narrow ? <EventsList {...props} /> : <EventsGrid {...props} />;
}

function EventsGrid({ events, sources, onNearEnd }: Props) {
  const { startRef, rows, before, after, measure } = useVirtualRows(events, 45, onNearEnd);
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table
        highlightOnHover
        layout="fixed"
        verticalSpacing="xs"
        aria-label="Events"
        aria-rowcount={events.length + 1}
      >
        <Table.Thead>
          <Table.Tr aria-rowindex={1}>
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
        <Table.Tbody ref={startRef}>
          {before > 0 && <SpacerRow height={before} />}
          {rows.map((row) => {
            const event = events[row.index];
            return (
              <EventRow
                key={row.key}
                index={row.index}
                measureRef={measure}
                event={event}
                source={event.sourceId ? sources.get(event.sourceId) : undefined}
              />
            );
          })}
          {after > 0 && <SpacerRow height={after} />}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Holds the height of rows that are not rendered. */
function SpacerRow({ height }: { height: number }) {
  return (
    <tr aria-hidden style={{ height }}>
      <td colSpan={COLUMNS} style={{ padding: 0, border: 0 }} />
    </tr>
  );
}

/** On a phone: one compact block per request instead of a wide table. */
function EventsList({ events, sources, onNearEnd }: Props) {
  const { startRef, rows, before, after, measure } = useVirtualRows(events, 72, onNearEnd);
  return (
    <Stack
      ref={startRef}
      gap={0}
      component="ul"
      aria-label="Events"
      style={{ listStyle: 'none', margin: 0, padding: `${before}px 0 ${after}px` }}
    >
      {rows.map((row) => {
        const event = events[row.index];
        const source = event.sourceId ? sources.get(event.sourceId) : undefined;
        return (
          <Stack
            key={row.key}
            ref={measure}
            data-index={row.index}
            component="li"
            aria-setsize={events.length}
            aria-posinset={row.index + 1}
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
              <DeliveriesBadge counts={event.deliveryCounts} size="sm" />
            </Group>
          </Stack>
        );
      })}
    </Stack>
  );
}

/** The worst state of an event's deliveries, or nothing when it has none. */
function DeliveriesBadge({ counts, size }: { counts: DeliveryCounts; size?: 'sm' }) {
  const rollup = rollUp(counts);
  if (!rollup) return null;
  return (
    <Badge color={deliveryStatusColor(rollup.status)} variant="dot" size={size}>
      {rollup.label}
    </Badge>
  );
}

interface RowProps {
  index: number;
  measureRef: (node: HTMLElement | null) => void;
  event: EventSummary;
  source: SourceResponse | undefined;
}

function EventRow({ index, measureRef, event, source }: RowProps) {
  return (
    <Table.Tr ref={measureRef} data-index={index} aria-rowindex={index + 2}>
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
        {event.deliveryCounts.total > 0 ? (
          <DeliveriesBadge counts={event.deliveryCounts} />
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
