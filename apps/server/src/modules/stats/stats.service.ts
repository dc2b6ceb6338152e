import { Injectable } from '@nestjs/common';
import type { StatsQuery, StatsResponse, StatsTotals } from '@hookyard/contracts';
import { StatsRepository, type BucketRow } from './stats.repository';
import { statsWindow } from './stats-window';

const TOP_FAILING = 5;

function totalsOf(buckets: BucketRow[]): StatsTotals {
  const totals = { events: 0, accepted: 0, rejected: 0, attempts: 0, succeeded: 0, failed: 0 };
  for (const b of buckets) {
    totals.accepted += b.accepted;
    totals.rejected += b.rejected;
    totals.succeeded += b.succeeded;
    totals.failed += b.failed;
  }
  totals.events = totals.accepted + totals.rejected;
  totals.attempts = totals.succeeded + totals.failed;
  return totals;
}

@Injectable()
export class StatsService {
  constructor(private readonly stats: StatsRepository) {}

  /** The Overview of the window ending now: its buckets sum to its totals. */
  async overview({ range, ...scope }: StatsQuery): Promise<StatsResponse> {
    const window = statsWindow(range, new Date());
    const [buckets, latency, failing] = await Promise.all([
      this.stats.series(window, scope),
      this.stats.latency(window, scope),
      this.stats.topFailingDestinations(window, scope, TOP_FAILING),
    ]);
    const totals = totalsOf(buckets);
    return {
      range,
      since: window.since.toISOString(),
      until: window.until.toISOString(),
      bucketSeconds: window.bucketSeconds,
      buckets: buckets.map((b) => ({
        at: b.at.toISOString(),
        accepted: b.accepted,
        rejected: b.rejected,
        succeeded: b.succeeded,
        failed: b.failed,
      })),
      totals,
      successRate: totals.attempts === 0 ? null : totals.succeeded / totals.attempts,
      latency: { p50Ms: latency.p50, p95Ms: latency.p95 },
      topFailingDestinations: failing.map((d) => ({
        id: d.id,
        name: d.name,
        failedAttempts: d.failedAttempts,
        attempts: d.attempts,
        failureRate: d.failedAttempts / d.attempts,
        lastError: d.lastError,
        lastFailedAt: d.lastFailedAt.toISOString(),
      })),
    };
  }
}
