import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { StatsQuery } from '@hookyard/contracts';
import type { StatsWindow } from './stats-window';

export type StatsScope = Pick<StatsQuery, 'sourceId' | 'destinationId'>;

export interface BucketRow {
  at: Date;
  accepted: number;
  rejected: number;
  succeeded: number;
  failed: number;
}

export interface LatencyRow {
  p50: number | null;
  p95: number | null;
}

export interface FailingDestinationRow {
  id: string;
  name: string;
  failedAttempts: number;
  attempts: number;
  lastError: string;
  lastFailedAt: Date;
}

/** An attempt failed unless it was answered 2xx (a timeout or network error has no status). */
const FAILED = `(a.status_code BETWEEN 200 AND 299) IS NOT TRUE`;

type Arg = (value: unknown) => string;

interface WindowSql {
  since: string;
  until: string;
}

/** `$n` placeholders for one statement, numbered as values are added. */
function placeholders() {
  const args: unknown[] = [];
  const arg: Arg = (value) => {
    args.push(value);
    return `$${args.length}`;
  };
  return { args, arg };
}

/** The window's bounds as SQL. */
function windowSql(window: StatsWindow, arg: Arg): WindowSql {
  return { since: `${arg(window.since)}::timestamptz`, until: `${arg(window.until)}::timestamptz` };
}

/**
 * `FROM … WHERE …` of the events in the window and scope (to a destination: events sent there).
 * `status IN (…)` holds for every event (the column's CHECK); written out, it makes the window
 * two ranges of events_status_received_idx, so counting by status is an index-only scan: no
 * heap page is read for an event on a page that VACUUM has marked all-visible.
 */
function eventsIn(w: WindowSql, scope: StatsScope, arg: Arg): string {
  const where = [
    `e.status IN ('accepted', 'rejected')`,
    `e.received_at >= ${w.since}`,
    `e.received_at <= ${w.until}`,
  ];
  if (scope.sourceId) where.push(`e.source_id = ${arg(scope.sourceId)}`);
  if (scope.destinationId) {
    where.push(`EXISTS (SELECT 1 FROM deliveries d
      WHERE d.event_id = e.id AND d.destination_id = ${arg(scope.destinationId)})`);
  }
  return `FROM events e WHERE ${where.join(' AND ')}`;
}

/**
 * `FROM … WHERE …` of the attempts in the window and scope, as `a`. Unscoped or scoped to a
 * destination, the window is a range of attempts_at_idx, which holds every column read here
 * (outcome, duration, destination): an index-only scan. Scoped to a source, each attempt's
 * delivery (`d`) is joined to find its event.
 */
function attemptsIn(w: WindowSql, scope: StatsScope, arg: Arg): string {
  const where = [`a.at >= ${w.since}`, `a.at <= ${w.until}`];
  if (scope.destinationId) where.push(`a.destination_id = ${arg(scope.destinationId)}`);
  if (!scope.sourceId) return `FROM attempts a WHERE ${where.join(' AND ')}`;
  where.push(`EXISTS (SELECT 1 FROM events e
    WHERE e.id = d.event_id AND e.source_id = ${arg(scope.sourceId)})`);
  return `FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE ${where.join(' AND ')}`;
}

/** Zero-count rows, one per bucket from `since` through the one holding `until`, oldest first. */
function emptyBuckets(window: StatsWindow): BucketRow[] {
  const width = window.bucketSeconds * 1000;
  const buckets: BucketRow[] = [];
  for (let t = window.since.getTime(); t <= window.until.getTime(); t += width) {
    buckets.push({ at: new Date(t), accepted: 0, rejected: 0, succeeded: 0, failed: 0 });
  }
  return buckets;
}

/** Aggregates over events and attempts for the Overview: hand-written SQL, one statement each. */
@Injectable()
export class StatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One row per bucket of the window, oldest first; buckets without rows count zero.
   *
   * One statement, two grouped scans (events, attempts) appended; the zero-filled buckets are
   * laid out here. Joining both to a generated series in SQL made the planner expect millions
   * of rows (it cannot know that date_bin leaves a few dozen groups) and, past
   * jit_above_cost, compile the query with JIT on every request: most of the time at 1M events.
   */
  async series(window: StatsWindow, scope: StatsScope): Promise<BucketRow[]> {
    const { args, arg } = placeholders();
    const w = windowSql(window, arg);
    // `since` is bucket-aligned, so date_bin(width, t, since) is the start of t's bucket.
    const width = `(${arg(window.bucketSeconds)} * interval '1 second')`;
    const rows: BucketRow[] = await this.dataSource.query(
      `SELECT date_bin(${width}, e.received_at, ${w.since}) AS at,
              count(*) FILTER (WHERE e.status = 'accepted')::int AS accepted,
              count(*) FILTER (WHERE e.status = 'rejected')::int AS rejected,
              0 AS succeeded, 0 AS failed
       ${eventsIn(w, scope, arg)}
       GROUP BY 1
       UNION ALL
       SELECT date_bin(${width}, a.at, ${w.since}), 0, 0,
              count(*) FILTER (WHERE NOT ${FAILED})::int,
              count(*) FILTER (WHERE ${FAILED})::int
       ${attemptsIn(w, scope, arg)}
       GROUP BY 1`,
      args,
    );
    const buckets = emptyBuckets(window);
    const widthMs = window.bucketSeconds * 1000;
    for (const row of rows) {
      const bucket = buckets[(row.at.getTime() - window.since.getTime()) / widthMs];
      if (!bucket) throw new Error(`stats: ${row.at.toISOString()} is not a bucket of the window`);
      bucket.accepted += row.accepted;
      bucket.rejected += row.rejected;
      bucket.succeeded += row.succeeded;
      bucket.failed += row.failed;
    }
    return buckets;
  }

  /** Median and 95th percentile of attempt durations (interpolated); null without attempts. */
  async latency(window: StatsWindow, scope: StatsScope): Promise<LatencyRow> {
    const { args, arg } = placeholders();
    const w = windowSql(window, arg);
    const rows: LatencyRow[] = await this.dataSource.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a.duration_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS p95
       ${attemptsIn(w, scope, arg)}`,
      args,
    );
    return rows[0];
  }

  /**
   * Live destinations with the most failed attempts in the window (then the highest failure
   * rate), each with its latest failure. The latest failure is looked up for the few
   * destinations kept, by its time, rather than carried through the aggregate.
   */
  topFailingDestinations(
    window: StatsWindow,
    scope: StatsScope,
    limit: number,
  ): Promise<FailingDestinationRow[]> {
    const { args, arg } = placeholders();
    const w = windowSql(window, arg);
    return this.dataSource.query(
      `WITH per AS (
         SELECT a.destination_id AS id,
                count(*) FILTER (WHERE ${FAILED})::int AS failed,
                count(*)::int AS total,
                max(a.at) FILTER (WHERE ${FAILED}) AS last_failed_at
         ${attemptsIn(w, scope, arg)} AND a.destination_id IS NOT NULL
         GROUP BY a.destination_id
         HAVING count(*) FILTER (WHERE ${FAILED}) > 0
       )
       SELECT per.id, dst.name, per.failed AS "failedAttempts", per.total AS attempts,
              last.error AS "lastError", per.last_failed_at AS "lastFailedAt"
       FROM per
       JOIN destinations dst ON dst.id = per.id AND dst.deleted_at IS NULL
       CROSS JOIN LATERAL (
         SELECT coalesce(a.error, 'HTTP ' || a.status_code) AS error
         FROM attempts a
         WHERE a.at = per.last_failed_at AND a.destination_id = per.id AND ${FAILED}
         ORDER BY a.n DESC
         LIMIT 1
       ) last
       ORDER BY per.failed DESC, per.failed::float8 / per.total DESC, dst.name, per.id
       LIMIT ${arg(limit)}`,
      args,
    );
  }
}
