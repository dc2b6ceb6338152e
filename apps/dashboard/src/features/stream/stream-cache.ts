import type {
  DeliveryResponse,
  DeliverySummary,
  EventResponse,
  EventSummary,
  Page,
  StreamMessage,
} from '@hookyard/contracts';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { deliveryKeys } from '../deliveries/query-keys';
import type { EventFilters } from '../events/events.api';
import { eventKeys } from '../events/query-keys';

type PagedList<T> = InfiniteData<Page<T>, string | null>;

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

function upsertRecent(page: Page<DeliveryResponse>, delivery: DeliveryResponse) {
  const known = page.data.some((d) => d.id === delivery.id);
  return {
    ...page,
    data: known
      ? page.data.map((d) => (d.id === delivery.id ? delivery : d))
      : [delivery, ...page.data],
  };
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
export function applyStreamMessage(queryClient: QueryClient, message: StreamMessage): void {
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
      queryClient.setQueryData<EventResponse>(eventKeys.detail(delivery.eventId), (event) =>
        event ? upsertSummary(event, delivery) : event,
      );
      queryClient.setQueryData<Page<DeliveryResponse>>(deliveryKeys.recent(), (page) =>
        page ? upsertRecent(page, delivery) : page,
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
