import type { CreateSourceRequest, UpdateSourceRequest } from '@hookyard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createSource,
  deleteSource,
  listSources,
  sendSourceTest,
  updateSource,
} from './sources.api';
import { sourceKeys } from './query-keys';

export function useSources() {
  return useQuery({
    queryKey: sourceKeys.list(),
    queryFn: ({ signal }) => listSources(signal),
    staleTime: 60_000,
  });
}

export function useCreateSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateSourceRequest) => createSource(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}

export function useUpdateSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateSourceRequest }) =>
      updateSource(id, patch),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}

export function useDeleteSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteSource(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}

/** The test event shows up in the events list through the live stream, like any event. */
export function useSendSourceTest() {
  return useMutation({ mutationFn: (id: string) => sendSourceTest(id) });
}
