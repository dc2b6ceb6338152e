import type { CreateDestinationRequest, UpdateDestinationRequest } from '@hookyard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { eventKeys } from '../events/query-keys';
import {
  createDestination,
  deleteDestination,
  listDestinations,
  sendTestEvent,
  updateDestination,
} from './destinations.api';
import { destinationKeys } from './query-keys';

/** A CLI listed: refreshed every 10 s, so that its Connected / Offline stays current. */
const CLI_REFRESH_MS = 10_000;

export function useDestinations() {
  return useQuery({
    queryKey: destinationKeys.list(),
    queryFn: ({ signal }) => listDestinations(signal),
    refetchInterval: (query) =>
      query.state.data?.data.some((d) => d.type === 'cli') ? CLI_REFRESH_MS : false,
  });
}

export function useCreateDestination() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateDestinationRequest) => createDestination(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: destinationKeys.all }),
  });
}

export function useUpdateDestination() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateDestinationRequest }) =>
      updateDestination(id, patch),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: destinationKeys.all }),
  });
}

export function useDeleteDestination() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteDestination(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: destinationKeys.all }),
  });
}

export function useSendTestEvent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => sendTestEvent(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: eventKeys.lists() }),
  });
}
