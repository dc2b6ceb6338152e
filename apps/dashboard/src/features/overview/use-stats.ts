import type { StatsQuery } from '@hookyard/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { statsKeys } from './query-keys';
import { getStats } from './stats.api';

/** How often the Overview refreshes itself while it is open. */
export const STATS_REFRESH_MS = 30_000;

/** The Overview's numbers; a new range keeps the old numbers on screen until its own arrive. */
export function useStats(query: StatsQuery) {
  return useQuery({
    queryKey: statsKeys.overview(query),
    queryFn: ({ signal }) => getStats(query, signal),
    refetchInterval: STATS_REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}
