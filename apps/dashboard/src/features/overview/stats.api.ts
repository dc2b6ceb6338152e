import type { StatsQuery, StatsResponse } from '@hookyard/contracts';
import { request } from '../../lib/api-client';

export function getStats(query: StatsQuery, signal?: AbortSignal): Promise<StatsResponse> {
  return request<StatsResponse>('/stats', { query, signal });
}
