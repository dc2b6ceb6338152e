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

export function useDestinations() {
  return useQuery({
    queryKey: destinationKeys.list(),
    queryFn: ({ signal }) => listDestinations(signal),
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
