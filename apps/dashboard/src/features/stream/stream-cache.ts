import type {
  DeliveryCounts,
  DeliveryResponse,
  DeliveryStatus,
  DeliverySummary,
  EventResponse,
  EventSummary,
  Page,
  StreamMessage,
} from '@hookyard/contracts';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { listEventDeliveries } from '../deliveries/deliveries.api';
import { moveCount, tallyStatuses } from '../deliveries/delivery-rollup';
import { deliveryKeys } from '../deliveries/query-keys';
import type { EventFilters } from '../events/events.api';
import { eventKeys } from '../events/query-keys';

type PagedList<T> = InfiniteData<Page<T>, string | null>;

/**
 * The last status the stream gave each delivery of a listed event: where its next change
 * moves it from in its event's counts. One per stream connection.
 */
export type KnownStatuses = Map<string, DeliveryStatus>;

/**
 * Whether a new event belongs in a list with these filters: `null` when the dashboard cannot
 * tell (text search runs on the server), and the list is left alone.
 */
export function eventMatches(event: EventSummary, filters: EventFilters): boolean | null {
  if (filters.sourceId && event.sourceId !== filters.sourceId) return false;
  if (filters.status && event.status !== filters.status) return false;
  const at = Date.parse(event.receivedAt);
  if (filters.since && at < Date.parse(filters.since)) return false;
  if (filters.until && at > Date.parse(filters.until)) return false;
  if (filters.q) return null;
  return true;
}

function prepend(list: PagedList<EventSummary>, event: EventSummary): PagedList<EventSummary> {
  if (list.pages.some((page) => page.data.some((e) => e.id === event.id))) return list;
  const [first, ...rest] = list.pages;
  if (!first) return list;
  return { ...list, pages: [{ ...first, data: [event, ...first.data] }, ...rest] };
}

function toSummary(d: DeliveryResponse): DeliverySummary {
  return {
    id: d.id,
    destinationId: d.destinationId,
    status: d.status,
    attempts: d.attemptCount,
    nextAttemptAt: d.nextAttemptAt,
    lastStatusCode: d.lastStatusCode,
  };
}

function upsertSummary(event: EventResponse, delivery: DeliveryResponse): EventResponse {
  const summary = toSummary(delivery);
  const known = event.deliveries.some((d) => d.id === delivery.id);
  return {
    ...event,
    deliveries: known
      ? event.deliveries.map((d) => (d.id === delivery.id ? summary : d))
      : [...event.deliveries, summary],
  };
}

/** The list with one event changed; the same list when the event is not in it. */
function mapEvent(
  list: PagedList<EventSummary>,
  eventId: string,
  change: (event: EventSummary) => EventSummary,
): PagedList<EventSummary> {
  if (!list.pages.some((page) => page.data.some((e) => e.id === eventId))) return list;
  return {
    ...list,
    pages: list.pages.map((page) => ({
      ...page,
      data: page.data.map((e) => (e.id === eventId ? change(e) : e)),
    })),
  };
}

const FINISHED_ATTEMPT: ReadonlySet<DeliveryStatus> = new Set(['succeeded', 'failed', 'dead']);

/**
 * What a delivery the dashboard had not heard of was before this change, where that is
 * certain: the first attempt's outcome follows scheduled, and a replay's new delivery follows
 * nothing. Anything else (a later attempt, a retry, a cancel) could follow several states.
 */
function previousOf(delivery: DeliveryResponse): DeliveryStatus | 'new' | undefined {
  if (delivery.attemptCount === 1 && FINISHED_ATTEMPT.has(delivery.status)) return 'scheduled';
  if (
    delivery.status === 'scheduled' &&
    delivery.attemptCount === 0 &&
    delivery.createdAt === delivery.updatedAt
  ) {
    return 'new';
  }
  return undefined;
}

function setCounts(queryClient: QueryClient, eventId: string, counts: DeliveryCounts): void {
  queryClient.setQueriesData<PagedList<EventSummary>>({ queryKey: eventKeys.lists() }, (list) =>
    list ? mapEvent(list, eventId, (event) => ({ ...event, deliveryCounts: counts })) : list,
  );
}

/** Counts an event's deliveries again from the server, for a change that could not be placed. */
async function recount(
  queryClient: QueryClient,
  eventId: string,
  known: KnownStatuses,
): Promise<void> {
  const deliveries = await queryClient.fetchQuery({
    queryKey: deliveryKeys.ofEvent(eventId),
    queryFn: ({ signal }) => listEventDeliveries(eventId, signal),
  });
  for (const d of deliveries) known.set(d.id, d.status);
  setCounts(queryClient, eventId, tallyStatuses(deliveries.map((d) => d.status)));
}

/**
 * Moves a changed delivery within its event's counts, in every list showing the event. When
 * where it came from is unknown, or the counts cannot hold the move, the event's deliveries are
 * counted again from the server.
 */
function updateCounts(
  queryClient: QueryClient,
  delivery: DeliveryResponse,
  before: DeliveryStatus | undefined,
  known: KnownStatuses,
): void {
  const listed = queryClient
    .getQueriesData<PagedList<EventSummary>>({ queryKey: eventKeys.lists() })
    .some(([, list]) =>
      list?.pages.some((page) => page.data.some((e) => e.id === delivery.eventId)),
    );
  if (!listed) return;
  known.set(delivery.id, delivery.status);
  const from = before ?? previousOf(delivery);
  let placed = from !== undefined;
  queryClient.setQueriesData<PagedList<EventSummary>>({ queryKey: eventKeys.lists() }, (list) =>
    list && from !== undefined
      ? mapEvent(list, delivery.eventId, (event) => {
          const counts = moveCount(event.deliveryCounts, from, delivery.status);
          if (counts) return { ...event, deliveryCounts: counts };
          placed = false;
          return event;
        })
      : list,
  );
  // A failed recount leaves the counts as they are, until the list is fetched again.
  if (!placed) recount(queryClient, delivery.eventId, known).catch(() => undefined);
}

function patchList(list: PagedList<DeliveryResponse>, delivery: DeliveryResponse) {
  if (!list.pages.some((page) => page.data.some((d) => d.id === delivery.id))) return list;
  return {
    ...list,
    pages: list.pages.map((page) => ({
      ...page,
      data: page.data.map((d) => (d.id === delivery.id ? delivery : d)),
    })),
  };
}

/** One message of `GET /api/v1/stream` into the cached lists and details it changes. */
export function applyStreamMessage(
  queryClient: QueryClient,
  message: StreamMessage,
  known: KnownStatuses,
): void {
  switch (message.type) {
    case 'event.created': {
      const lists = queryClient.getQueriesData<PagedList<EventSummary>>({
        queryKey: eventKeys.lists(),
      });
      for (const [key, list] of lists) {
        const filters = (key[2] ?? {}) as EventFilters;
        if (list && eventMatches(message.data, filters) === true) {
          queryClient.setQueryData(key, prepend(list, message.data));
        }
      }
      return;
    }
    case 'delivery.updated': {
      const delivery = message.data;
      const before =
        known.get(delivery.id) ??
        queryClient
          .getQueryData<EventResponse>(eventKeys.detail(delivery.eventId))
          ?.deliveries.find((d) => d.id === delivery.id)?.status;
      updateCounts(queryClient, delivery, before, known);
      queryClient.setQueryData<EventResponse>(eventKeys.detail(delivery.eventId), (event) =>
        event ? upsertSummary(event, delivery) : event,
      );
      queryClient.setQueriesData<PagedList<DeliveryResponse>>(
        { queryKey: deliveryKeys.lists() },
        (list) => (list ? patchList(list, delivery) : list),
      );
      // Its attempts changed: an open timeline fetches them again.
      void queryClient.invalidateQueries({
        queryKey: deliveryKeys.detail(delivery.id),
        exact: true,
      });
      return;
    }
  }
}
