import type { EventResponse, EventSummary, ListEventsQuery, Page } from '@hookyard/contracts';
import { request } from '../../lib/api-client';

/** What a list of events can be narrowed by (the API's query, less paging). */
export type EventFilters = Pick<ListEventsQuery, 'sourceId' | 'status' | 'q' | 'since' | 'until'>;

export const EVENTS_PAGE_SIZE = 50;

export function listEvents(
  filters: EventFilters,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<Page<EventSummary>> {
  return request<Page<EventSummary>>('/events', {
    query: { ...filters, cursor, limit: EVENTS_PAGE_SIZE },
    signal,
  });
}

export function getEvent(id: string, signal?: AbortSignal): Promise<EventResponse> {
  return request<EventResponse>(`/events/${encodeURIComponent(id)}`, { signal });
}
