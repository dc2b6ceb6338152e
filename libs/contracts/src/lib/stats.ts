import { z } from 'zod';
import { uuidSchema } from './common';

/** The windows the Overview can show, newest data last. */
export const STATS_RANGES = ['1h', '24h', '7d', '30d'] as const;
export type StatsRange = (typeof STATS_RANGES)[number];

export const statsQuerySchema = z
  .object({
    range: z.enum(STATS_RANGES).default('24h'),
    /** Only events of this source, and attempts to deliver them. */
    sourceId: uuidSchema.optional(),
    /** Only attempts to this destination, and events delivered to it. */
    destinationId: uuidSchema.optional(),
  })
  .strict();
export type StatsQuery = z.output<typeof statsQuerySchema>;

/** One bucket of the time series: events by status and attempts by outcome. */
export interface StatsBucket {
  /** Start of the bucket (ISO 8601); it ends `bucketSeconds` later. */
  at: string;
  accepted: number;
  rejected: number;
  /** Attempts answered 2xx. */
  succeeded: number;
  /** Attempts answered anything else, or that got no answer (timeout, network error). */
  failed: number;
}

export interface StatsTotals {
  events: number;
  accepted: number;
  rejected: number;
  attempts: number;
  succeeded: number;
  failed: number;
}

export interface FailingDestination {
  id: string;
  name: string;
  failedAttempts: number;
  attempts: number;
  /** failedAttempts / attempts, 0–1. */
  failureRate: number;
  /** The error of the latest failed attempt ("HTTP 503" when it got an answer). */
  lastError: string;
  lastFailedAt: string;
}

export interface StatsResponse {
  range: StatsRange;
  /**
   * The window: from the start of the bucket holding `until − range`, so every bucket but
   * the last is whole, to the time of the request.
   */
  since: string;
  until: string;
  bucketSeconds: number;
  /** Oldest first, one per bucket, zero-filled: no gaps. */
  buckets: StatsBucket[];
  totals: StatsTotals;
  /** succeeded / attempts (0–1); null when nothing was attempted. */
  successRate: number | null;
  /** Attempt durations in milliseconds; null when nothing was attempted. */
  latency: { p50Ms: number | null; p95Ms: number | null };
  /** Up to five destinations with failed attempts in the window, most failures first. */
  topFailingDestinations: FailingDestination[];
}
