import type { StatsRange } from '@hookyard/contracts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Each range and the width of its buckets: a dozen to a few dozen points per chart. */
const RANGES: Record<StatsRange, { rangeMs: number; bucketMs: number }> = {
  '1h': { rangeMs: HOUR, bucketMs: 5 * MINUTE },
  '24h': { rangeMs: DAY, bucketMs: HOUR },
  '7d': { rangeMs: 7 * DAY, bucketMs: 6 * HOUR },
  '30d': { rangeMs: 30 * DAY, bucketMs: DAY },
};

export interface StatsWindow {
  /** Start of the first bucket. */
  since: Date;
  until: Date;
  bucketSeconds: number;
}

/**
 * The window ending `now`: it starts at the boundary of the bucket holding `now − range`
 * (buckets are aligned to the Unix epoch, so days start at UTC midnight), so every bucket but
 * the current one is whole and a chart has no half-empty first point.
 */
export function statsWindow(range: StatsRange, now: Date): StatsWindow {
  const { rangeMs, bucketMs } = RANGES[range];
  const since = Math.floor((now.getTime() - rangeMs) / bucketMs) * bucketMs;
  return { since: new Date(since), until: now, bucketSeconds: bucketMs / 1000 };
}
