import type { BulkRetry, Replay } from '@hookyard/contracts';
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { eventKeys } from '../events/query-keys';
import {
  cancelDelivery,
  countDeliveries,
  getDelivery,
  listDeliveries,
  replayEvent,
  retryDeliveries,
  retryDelivery,
  type DeliveryFilters,
} from './deliveries.api';
import { deliveryKeys } from './query-keys';

/** A delivery changed: its lists, details and the events showing it are stale. */
function invalidateDeliveries(queryClient: QueryClient): Promise<unknown> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: deliveryKeys.all }),
    queryClient.invalidateQueries({ queryKey: eventKeys.details() }),
  ]);
}

export function useDeliveries(filters: DeliveryFilters) {
  return useInfiniteQuery({
    queryKey: deliveryKeys.list(filters),
    queryFn: ({ pageParam, signal }) => listDeliveries(filters, pageParam, undefined, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}

export function useDeliveryCount(filters: DeliveryFilters, enabled: boolean) {
  return useQuery({
    queryKey: deliveryKeys.count(filters),
    queryFn: ({ signal }) => countDeliveries(filters, signal),
    enabled,
    staleTime: 0,
  });
}

export function useDelivery(id: string) {
  return useQuery({
    queryKey: deliveryKeys.detail(id),
    queryFn: ({ signal }) => getDelivery(id, signal),
  });
}

/**
 * A delivery someone is waiting on (a replay just sent): asks again every second until its
 * first attempt is recorded. The live stream usually brings it sooner.
 */
export function useAwaitedDelivery(id: string | null) {
  return useQuery({
    queryKey: deliveryKeys.detail(id ?? ''),
    queryFn: ({ signal }) => getDelivery(id ?? '', signal),
    enabled: id !== null,
    refetchInterval: ({ state }) =>
      state.status === 'error' || (state.data?.attempts.length ?? 0) > 0 ? false : 1000,
  });
}

export function useRetryDelivery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => retryDelivery(id),
    onSuccess: () => invalidateDeliveries(queryClient),
  });
}

export function useCancelDelivery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => cancelDelivery(id),
    onSuccess: () => invalidateDeliveries(queryClient),
  });
}

export function useRetryDeliveries() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (filter: BulkRetry) => retryDeliveries(filter),
    onSuccess: () => invalidateDeliveries(queryClient),
  });
}

export function useReplayEvent(eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (replay: Replay) => replayEvent(eventId, replay),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: eventKeys.detail(eventId) }),
  });
}
