import type { ListConnectionsQuery } from '@hookyard/contracts';

export const connectionKeys = {
  all: ['connections'] as const,
  list: (filters: ListConnectionsQuery = {}) => [...connectionKeys.all, 'list', filters] as const,
};
