import type { StatsRange } from '@hookyard/contracts';

/** The range selector's labels, and how the empty state names the window. */
export const RANGE_LABELS: Record<StatsRange, { option: string; window: string }> = {
  '1h': { option: '1 hour', window: 'the last hour' },
  '24h': { option: '24 hours', window: 'the last 24 hours' },
  '7d': { option: '7 days', window: 'the last 7 days' },
  '30d': { option: '30 days', window: 'the last 30 days' },
};

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** 0.6667 → "66.7%"; no rate (nothing attempted) → "—". */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : percent.format(rate);
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndClock = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** A bucket's start as a chart label: as precise as the bucket is wide. */
export function formatBucket(at: string, bucketSeconds: number): string {
  const date = new Date(at);
  if (bucketSeconds >= 86_400) return day.format(date);
  if (bucketSeconds >= 6 * 3600) return dayAndClock.format(date);
  return clock.format(date);
}
