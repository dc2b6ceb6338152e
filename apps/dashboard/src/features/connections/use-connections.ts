import type { CreateConnectionRequest, ListConnectionsQuery } from '@hookyard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createConnection, deleteConnection, listConnections } from './connections.api';
import { connectionKeys } from './query-keys';

export function useConnections(filters: ListConnectionsQuery = {}) {
  return useQuery({
    queryKey: connectionKeys.list(filters),
    queryFn: ({ signal }) => listConnections(filters, signal),
  });
}

export function useCreateConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateConnectionRequest) => createConnection(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: connectionKeys.all }),
  });
}

export function useDeleteConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteConnection(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: connectionKeys.all }),
  });
}
