import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { getEvent, listEvents, type EventFilters } from './events.api';
import { eventKeys } from './query-keys';

/**
 * Newest first, a page at a time (as the list scrolls near its end, or "Load more"); the live
 * stream prepends new ones.
 */
export function useEvents(filters: EventFilters) {
  return useInfiniteQuery({
    queryKey: eventKeys.list(filters),
    queryFn: ({ pageParam, signal }) => listEvents(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}

export function useEvent(id: string) {
  return useQuery({
    queryKey: eventKeys.detail(id),
    queryFn: ({ signal }) => getEvent(id, signal),
  });
}
