import type {
  BulkRetry,
  DeliveryDetailResponse,
  DeliveryResponse,
  ListDeliveriesQuery,
  Page,
  Replay,
} from '@hookyard/contracts';
import { request } from '../../lib/api-client';

export type DeliveryFilters = Pick<ListDeliveriesQuery, 'status' | 'destinationId' | 'eventId'>;

export const DELIVERIES_PAGE_SIZE = 50;
/** The widest page the API gives; used to count, and to read all of an event's deliveries. */
export const MAX_PAGE_SIZE = 200;
/** Counting stops after this many (the confirmation then says "at least"). */
export const COUNT_LIMIT = 10_000;

export function listDeliveries(
  filters: DeliveryFilters,
  cursor: string | null,
  limit = DELIVERIES_PAGE_SIZE,
  signal?: AbortSignal,
): Promise<Page<DeliveryResponse>> {
  return request<Page<DeliveryResponse>>('/deliveries', {
    query: { ...filters, cursor, limit },
    signal,
  });
}

/** Every delivery of one event, the widest page at a time. */
export async function listEventDeliveries(
  eventId: string,
  signal?: AbortSignal,
): Promise<DeliveryResponse[]> {
  const all: DeliveryResponse[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<DeliveryResponse> = await listDeliveries(
      { eventId },
      cursor,
      MAX_PAGE_SIZE,
      signal,
    );
    all.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** How many deliveries match (the API has no count: pages through ids, up to a limit). */
export async function countDeliveries(
  filters: DeliveryFilters,
  signal?: AbortSignal,
): Promise<{ count: number; capped: boolean }> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: Page<DeliveryResponse> = await listDeliveries(
      filters,
      cursor,
      MAX_PAGE_SIZE,
      signal,
    );
    count += page.data.length;
    cursor = page.nextCursor;
  } while (cursor && count < COUNT_LIMIT);
  return { count, capped: cursor !== null };
}

export function getDelivery(id: string, signal?: AbortSignal): Promise<DeliveryDetailResponse> {
  return request<DeliveryDetailResponse>(`/deliveries/${encodeURIComponent(id)}`, { signal });
}

export function retryDelivery(id: string): Promise<{ id: string; status: 'scheduled' }> {
  return request(`/deliveries/${encodeURIComponent(id)}/retry`, { method: 'POST' });
}

export function cancelDelivery(id: string): Promise<DeliveryResponse> {
  return request(`/deliveries/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
}

export function retryDeliveries(filter: BulkRetry): Promise<{ count: number }> {
  return request('/deliveries/retry', { method: 'POST', body: filter });
}

/** A new delivery of a stored event; with `headers` or `body`, an edited one. */
export function replayEvent(eventId: string, replay: Replay): Promise<{ deliveryId: string }> {
  return request(`/events/${encodeURIComponent(eventId)}/replay`, {
    method: 'POST',
    body: replay,
  });
}
