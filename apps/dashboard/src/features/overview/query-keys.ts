import type { StatsQuery } from '@hookyard/contracts';

export const statsKeys = {
  all: ['stats'] as const,
  overview: (query: StatsQuery) => [...statsKeys.all, 'overview', query] as const,
};
