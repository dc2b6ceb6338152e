import { EVENT_STATUSES, type EventStatus } from '@hookyard/contracts';
import type { EventFilters } from './events.api';

export const TIME_RANGES = {
  any: { label: 'Any time', ms: null },
  '15m': { label: 'Last 15 minutes', ms: 15 * 60_000 },
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
} as const;
export type TimeRange = keyof typeof TIME_RANGES;

/** What the filter bar holds; kept in the address (`?source=&status=&range=&q=`). */
export interface EventFilterValues {
  sourceId: string | null;
  status: EventStatus | null;
  range: TimeRange;
  q: string;
}

export const NO_FILTERS: EventFilterValues = { sourceId: null, status: null, range: 'any', q: '' };

const isRange = (value: string | null): value is TimeRange =>
  value !== null && Object.hasOwn(TIME_RANGES, value);
const isStatus = (value: string | null): value is EventStatus =>
  (EVENT_STATUSES as readonly (string | null)[]).includes(value);

export function valuesFromSearch(params: URLSearchParams): EventFilterValues {
  const range = params.get('range');
  const status = params.get('status');
  return {
    sourceId: params.get('source') || null,
    status: isStatus(status) ? status : null,
    range: isRange(range) ? range : 'any',
    q: params.get('q') ?? '',
  };
}

export function searchFromValues(values: EventFilterValues): URLSearchParams {
  const params = new URLSearchParams();
  if (values.sourceId) params.set('source', values.sourceId);
  if (values.status) params.set('status', values.status);
  if (values.range !== 'any') params.set('range', values.range);
  if (values.q.trim()) params.set('q', values.q.trim());
  return params;
}

/** The API's filters: a time range becomes `since`, counted back from `now`. */
export function toEventFilters(values: EventFilterValues, now: number): EventFilters {
  const filters: EventFilters = {};
  if (values.sourceId) filters.sourceId = values.sourceId;
  if (values.status) filters.status = values.status;
  const ms = TIME_RANGES[values.range].ms;
  if (ms !== null) filters.since = new Date(now - ms).toISOString();
  const q = values.q.trim();
  if (q) filters.q = q.slice(0, 200);
  return filters;
}

export function hasFilters(values: EventFilterValues): boolean {
  return searchFromValues(values).size > 0;
}
