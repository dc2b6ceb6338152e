import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type {
  AttemptErrorKind,
  BulkRetry,
  DeliveryStatus,
  ListDeliveriesQuery,
} from '@hookyard/contracts';
import type { KeysetCursor } from '../../common/keyset-cursor';
import { GroupCommit } from '../../database/group-commit';
import { preparedQuery } from '../../database/prepared';
import type { DestinationEntity } from '../destinations/destination.entity';
import type { HeaderPairs } from '../events/event.entity';
import { AttemptEntity } from './attempt.entity';
import { DeliveryEntity } from './delivery.entity';

/** A delivery a worker holds, with what it needs to send it. */
export interface ClaimedDelivery {
  delivery: DeliveryEntity;
  destination: DestinationEntity | null;
  event: {
    id: string;
    sourceId: string | null;
    receivedAt: Date;
    method: string;
    path: string;
    query: string;
    headers: HeaderPairs;
    body: Buffer;
  };
}

export interface AttemptRecord {
  deliveryId: string;
  n: number;
  at: Date;
  url: string;
  requestHeaders: Record<string, string>;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  errorKind: AttemptErrorKind | null;
  responseHeaders: Record<string, string> | null;
  responseBody: Buffer | null;
  responseBodyTruncated: boolean;
  /** The delivery's state after this attempt. */
  status: Extract<DeliveryStatus, 'succeeded' | 'failed' | 'dead'>;
  nextAttemptAt: Date | null;
}

export interface DestinationHealthChange {
  destinationId: string;
  succeeded: boolean;
  /** Disable at once (410 Gone), with this reason. */
  disableNow: string | null;
  /** Disable when consecutive failures reach this many. */
  disableAfter: number;
}

export interface DueDelivery {
  id: string;
  attempt: number;
  /**
   * Set when a worker's claim on this attempt ran out (the worker died): when that lease
   * ended. The dead worker's job for the attempt still sits in the queue, so the transport
   * must carry the hand-on as a job of its own.
   */
  leaseEndedAt?: Date;
}

const DELIVERY_COLUMNS = `d.id, d.event_id AS "eventId", d.destination_id AS "destinationId", d.url, d.status,
  d.attempt_count AS "attemptCount", d.next_attempt_at AS "nextAttemptAt", d.last_status_code AS "lastStatusCode",
  d.lease_until AS "leaseUntil", d.last_error AS "lastError", d.created_at AS "createdAt", d.updated_at AS "updatedAt",
  (d.override_headers IS NOT NULL OR d.override_body IS NOT NULL) AS edited`;

/**
 * A worker may send a delivery while its destination (if any) exists, is not paused and not
 * disabled, and is not a CLI's: those wait for their CLI's stream (`claimDueFor`).
 */
const WORKER_SENDS = `(d.destination_id IS NULL OR EXISTS (
  SELECT 1 FROM destinations t
  WHERE t.id = d.destination_id AND t.type = 'http'
    AND NOT t.paused AND t.disabled_at IS NULL AND t.deleted_at IS NULL))`;

/** How long past the destination's timeout a worker's claim lasts before another may take it. */
export const LEASE_MARGIN_MS = 10_000;

/**
 * A claim: the delivery is in flight, leased to this worker for its destination's timeout plus
 * the margin (the parameter `marginParam`, in ms). Past the lease another worker may take it
 * (this one died).
 */
const claimSet = (marginParam: string) => `status = 'delivering', updated_at = now(),
  lease_until = now() + make_interval(secs => (COALESCE(
    (SELECT timeout_ms FROM destinations WHERE id = d.destination_id), 30000) + ${marginParam}) / 1000.0)`;

const CLAIMED_COLUMNS = `${DELIVERY_COLUMNS}, d.override_headers AS "overrideHeaders", d.override_body AS "overrideBody"`;

/**
 * The claimed rows (`claimed`, a CTE of CLAIMED_COLUMNS) with what sending them needs, in the
 * same statement: the event's request, and the destination's version (its `updated_at`), by
 * which a destination read before is reused. Each is looked up by primary key, in a subquery
 * the planner keeps as such (OFFSET 0), whatever the tables held when the plan was made.
 */
const WITH_REQUEST = `SELECT c.*, e.source_id AS "eventSourceId", e.received_at AS "eventReceivedAt",
    e.method AS "eventMethod", e.path AS "eventPath", e.query AS "eventQuery",
    e.headers AS "eventHeaders", e.body AS "eventBody", t.version AS "destinationVersion"
  FROM claimed c
  CROSS JOIN LATERAL (SELECT source_id, received_at, method, path, query, headers, body
                      FROM events WHERE id = c."eventId" OFFSET 0) e
  LEFT JOIN LATERAL (SELECT updated_at::text AS version
                     FROM destinations WHERE id = c."destinationId" OFFSET 0) t ON true`;

/** A claimed row as `WITH_REQUEST` returns it. */
type ClaimedRow = DeliveryEntity & {
  eventSourceId: string | null;
  eventReceivedAt: Date;
  eventMethod: string;
  eventPath: string;
  eventQuery: string;
  eventHeaders: HeaderPairs;
  eventBody: Buffer;
  destinationVersion: string | null;
};

const DESTINATION_COLUMNS = `id, name, type, url, timeout_ms AS "timeoutMs", retry, headers, rate_limit_per_second AS "rateLimitPerSecond",
  signing_secret AS "signingSecret", paused, disabled_at AS "disabledAt", disabled_reason AS "disabledReason",
  consecutive_failures AS "consecutiveFailures", cli_client_id AS "cliClientId",
  cli_listener AS "cliListener", cli_source_id AS "cliSourceId", cli_last_seen_at AS "cliLastSeenAt",
  cli_streams AS "cliStreams", created_at AS "createdAt", updated_at AS "updatedAt", deleted_at AS "deletedAt"`;

/** Destinations kept by the claims, at most; past it the cache starts over. */
const DESTINATION_CACHE_SIZE = 10_000;

/**
 * The database transport's claim ($1 at most this many, $2 the lease margin in ms): see
 * `claimDue`. Exported for the test of its plan.
 */
export const CLAIM_DUE_SQL = `WITH ended AS (
    SELECT d.id FROM deliveries d
    WHERE d.status = 'delivering' AND d.lease_until < now() AND ${WORKER_SENDS}
    ORDER BY d.lease_until
    LIMIT $1::integer
    FOR UPDATE OF d SKIP LOCKED
  ), due AS (
    SELECT d.id FROM deliveries d
    WHERE d.status IN ('scheduled', 'failed') AND d.next_attempt_at <= now() AND ${WORKER_SENDS}
    ORDER BY d.next_attempt_at
    LIMIT $1::integer
    FOR UPDATE OF d SKIP LOCKED
  ), claimed AS (
    UPDATE deliveries d SET ${claimSet('$2::integer')}
    -- An array of ids, each found by primary key. As IN (SELECT …), a generic plan (the
    -- limit unknown) may hash-join the ids to a scan of every delivery.
    WHERE d.id = ANY(ARRAY(SELECT id FROM ended UNION ALL SELECT id FROM due LIMIT $1::integer))
    RETURNING ${CLAIMED_COLUMNS}
  )
  ${WITH_REQUEST}`;

/**
 * A worker's claim of the attempts its jobs name ($1 delivery ids, $2 attempt numbers, $3 lease
 * margins in ms), one statement for a group. Exported for the test of its plan.
 */
export const CLAIM_BY_ID_SQL = `WITH claimed AS (
    UPDATE deliveries d SET ${claimSet('x.margin')}
    FROM unnest($1::uuid[], $2::integer[], $3::integer[]) AS x(id, n, margin)
    WHERE d.id = x.id AND d.attempt_count = x.n - 1
      -- A CASE, which no index matches: each row is found by its primary key. As an OR of
      -- statuses, the planner may read every due delivery through the partial indexes and
      -- join them to the ids, and a prepared statement keeps that plan as the table grows.
      AND CASE d.status WHEN 'scheduled' THEN true WHEN 'failed' THEN true
                        WHEN 'delivering' THEN d.lease_until < now() ELSE false END
      AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now() + interval '1 second')
      AND ${WORKER_SENDS}
    RETURNING ${CLAIMED_COLUMNS}
  )
  ${WITH_REQUEST}`;

/** A delivery leased to a CLI's stream. */
export interface LeasedDelivery extends ClaimedDelivery {
  /** The lease, exactly as stored: giving it back touches the row only while it is still this lease. */
  lease: { until: Date; token: string };
}

/** What the delivery's row says when a CLI reports an attempt (see `recordAttempt`'s `onlyIf`). */
export type AttemptGuard = 'claimed' | 'cli_pending';

interface ClaimRequest {
  deliveryId: string;
  n: number;
  leaseMarginMs: number;
}

interface RecordRequest {
  attempt: AttemptRecord;
  /**
   * The delivery's destination, as its claim read it (none for an ad-hoc URL): stored with the
   * attempt, and the one whose failure count a recorded success resets.
   */
  destinationId: string | null;
}

/** The columns of `attempts` a record writes. */
const ATTEMPT_COLUMN_NAMES = [
  'delivery_id',
  'n',
  'at',
  'url',
  'request_headers',
  'status_code',
  'duration_ms',
  'error',
  'error_kind',
  'response_headers',
  'response_body',
  'response_body_truncated',
];

/**
 * An attempt's destination, read from its delivery (the stats group attempts by it; see the
 * AttemptsDestination migration). Grouped successes carry it instead: their claim read it.
 */
const destinationOf = (deliveryId: string) =>
  `(SELECT destination_id FROM deliveries WHERE id = ${deliveryId})`;

/**
 * Successes recorded together (see `recordSuccesses`), given as one JSON array of rows
 * (`successRow`): one statement text whatever the group's size, so it is prepared and planned
 * once per connection, where a VALUES list of parameters is a new text for every size.
 */
const RECORD_SUCCESSES_SQL = `WITH x AS (
    SELECT * FROM json_to_recordset($1::json) AS x(
      delivery_id uuid, n integer, at timestamptz, url text, request_headers jsonb,
      status_code integer, duration_ms integer, error text, error_kind text, response_headers jsonb,
      response_body_base64 text, response_body_truncated boolean,
      status text, next_attempt_at timestamptz, destination_id uuid)
  ), a AS (
    INSERT INTO attempts (id, ${ATTEMPT_COLUMN_NAMES.join(', ')}, destination_id)
    SELECT gen_random_uuid(), delivery_id, n, at, url, request_headers, status_code, duration_ms,
           error, error_kind, response_headers, decode(response_body_base64, 'base64'),
           response_body_truncated, destination_id
    FROM x
    ON CONFLICT (delivery_id, n) DO NOTHING
    RETURNING delivery_id, n
  ), d AS (
    UPDATE deliveries SET status = x.status, attempt_count = x.n, next_attempt_at = x.next_attempt_at,
           last_status_code = x.status_code, last_error = x.error, lease_until = NULL, updated_at = now()
    FROM x JOIN a USING (delivery_id, n)
    WHERE deliveries.id = x.delivery_id AND deliveries.attempt_count = x.n - 1
  ), h AS (
    UPDATE destinations SET consecutive_failures = 0, updated_at = now()
    WHERE id IN (SELECT x.destination_id FROM x JOIN a USING (delivery_id, n))
      AND consecutive_failures > 0
  )
  SELECT delivery_id AS "deliveryId", n FROM a`;

/** A row of RECORD_SUCCESSES_SQL: the attempt, the delivery's next state, its destination. */
const successRow = ({ attempt: a, destinationId }: RecordRequest) => ({
  delivery_id: a.deliveryId,
  n: a.n,
  at: a.at,
  url: a.url,
  request_headers: a.requestHeaders,
  status_code: a.statusCode,
  duration_ms: a.durationMs,
  error: a.error,
  error_kind: a.errorKind,
  response_headers: a.responseHeaders,
  response_body_base64: a.responseBody?.toString('base64') ?? null,
  response_body_truncated: a.responseBodyTruncated,
  status: a.status,
  next_attempt_at: a.nextAttemptAt,
  destination_id: destinationId,
});

/** An attempt's values in the order of ATTEMPT_COLUMN_NAMES. */
const attemptValues = (a: AttemptRecord): unknown[] => [
  a.deliveryId,
  a.n,
  a.at,
  a.url,
  JSON.stringify(a.requestHeaders),
  a.statusCode,
  a.durationMs,
  a.error,
  a.errorKind,
  a.responseHeaders === null ? null : JSON.stringify(a.responseHeaders),
  a.responseBody,
  a.responseBodyTruncated,
];

/**
 * PostgreSQL is the truth about every delivery; every state change is one guarded statement.
 * Workers' claims, and their records of successful attempts, that arrive together share one
 * statement (group commit): one round trip and one commit for many deliveries.
 */
@Injectable()
export class DeliveriesRepository {
  private readonly claims = new GroupCommit<ClaimRequest, ClaimedDelivery | null>({
    one: (c) => this.claimMany([c]).then(([claimed]) => claimed),
    many: (cs) => this.claimMany(cs),
  });

  private readonly successes = new GroupCommit<RecordRequest, boolean>({
    one: (r) => this.recordSuccesses([r]).then(([recorded]) => recorded),
    many: (rs) => this.recordSuccesses(rs),
  });

  /** Destinations as the claims last read them, by id, with their version (`updated_at`). */
  private readonly destinations = new Map<
    string,
    { version: string; destination: DestinationEntity }
  >();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes attempt `n` of a delivery for this worker, or returns null when it is not
   * due, already taken, already recorded, cancelled, or its destination is paused or
   * disabled. The attempt number in the guard makes a job that runs twice harmless.
   * The lease outlives the destination's timeout; past it, the sweeper hands the
   * delivery to another worker (this one was killed).
   */
  claim(deliveryId: string, n: number, leaseMarginMs: number): Promise<ClaimedDelivery | null> {
    return this.claims.submit({ deliveryId, n, leaseMarginMs });
  }

  /** Claims in one statement, results in the order asked; null for each not taken. */
  private async claimMany(requests: ClaimRequest[]): Promise<(ClaimedDelivery | null)[]> {
    // One row of `deliveries` updated twice by one statement would be claimed once and
    // answered twice: a group asking twice for a delivery fails, and is claimed one by one.
    if (new Set(requests.map((r) => r.deliveryId)).size !== requests.length) {
      throw new Error('A delivery asked for twice in one group of claims');
    }
    const rows = await preparedQuery<ClaimedRow>(
      this.dataSource,
      'hookyard_claim',
      CLAIM_BY_ID_SQL,
      [
        requests.map((r) => r.deliveryId),
        requests.map((r) => r.n),
        requests.map((r) => r.leaseMarginMs),
      ],
    );
    const claimed = new Map((await this.claimedFrom(rows)).map((c) => [c.delivery.id, c]));
    return requests.map((r) => claimed.get(r.deliveryId) ?? null);
  }

  /**
   * The database transport's claim: up to `limit` deliveries whose worker's lease ran out, then
   * due ones, oldest due first, taken in one statement. `SKIP LOCKED` lets processes claim side
   * by side without waiting on, or taking, each other's rows. Due ones are an ordered scan of
   * `deliveries_due_idx` that stops at `limit`, so a backlog of any size costs a claim about
   * `limit` rows; ended leases are few (at most the deliveries in flight).
   */
  async claimDue(limit: number, leaseMarginMs: number): Promise<ClaimedDelivery[]> {
    const rows = await preparedQuery<ClaimedRow>(
      this.dataSource,
      'hookyard_claim_due',
      CLAIM_DUE_SQL,
      [limit, leaseMarginMs],
    );
    return this.claimedFrom(rows);
  }

  /**
   * A CLI's stream's claim: up to `limit` due deliveries of its destination (the backlog and
   * retries, oldest due first; and those whose lease ran out), leased for the destination's
   * timeout plus the margin. `except`: deliveries this stream holds back for now.
   */
  async claimDueFor(
    destinationId: string,
    limit: number,
    leaseMarginMs: number,
    except: string[] = [],
  ): Promise<LeasedDelivery[]> {
    type Row = ClaimedRow & { leaseToken: string };
    // A SELECT over the claim: TypeORM answers it with the rows alone.
    const rows = (await this.dataSource.query(
      `WITH claimed AS (
         UPDATE deliveries d SET ${claimSet('$3')}
         WHERE d.id IN (
           SELECT d.id FROM deliveries d
           WHERE d.destination_id = $1
             AND ((d.status IN ('scheduled', 'failed') AND d.next_attempt_at <= now())
                  OR (d.status = 'delivering' AND d.lease_until < now()))
             AND d.id <> ALL($4::uuid[])
             AND EXISTS (SELECT 1 FROM destinations t
                         WHERE t.id = $1 AND t.type = 'cli'
                           AND NOT t.paused AND t.disabled_at IS NULL AND t.deleted_at IS NULL)
           ORDER BY d.next_attempt_at NULLS FIRST, d.created_at
           LIMIT $2
           FOR UPDATE OF d SKIP LOCKED)
         RETURNING ${CLAIMED_COLUMNS}, d.lease_until::text AS "leaseToken"
       )
       ${WITH_REQUEST}`,
      [destinationId, limit, leaseMarginMs, except],
    )) as Row[];
    // RETURNING keeps no order: the backlog goes out oldest first.
    rows.sort(
      (a, b) =>
        (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0) ||
        a.createdAt.getTime() - b.createdAt.getTime(),
    );
    const claimed = await this.claimedFrom(rows.map(({ leaseToken: _, ...row }) => row));
    return claimed.map((c, i) => ({
      ...c,
      lease: { until: c.delivery.leaseUntil ?? new Date(), token: rows[i].leaseToken },
    }));
  }

  /**
   * Gives leased deliveries back, due now, without an attempt (their CLI's stream closed before
   * it reported them). A lease that ran out and was taken again since is not touched.
   */
  async release(leases: { id: string; token: string }[]): Promise<DeliveryEntity[]> {
    if (leases.length === 0) return [];
    const [rows] = (await this.dataSource.query(
      `UPDATE deliveries d SET status = 'scheduled', next_attempt_at = now(), lease_until = NULL, updated_at = now()
       FROM unnest($1::uuid[], $2::text[]) AS x(id, lease)
       WHERE d.id = x.id AND d.status = 'delivering' AND d.lease_until = x.lease::timestamptz
       RETURNING ${DELIVERY_COLUMNS}`,
      [leases.map((l) => l.id), leases.map((l) => l.token)],
    )) as [DeliveryEntity[], number];
    return rows;
  }

  /** Cancels a destination's deliveries that wait (scheduled, or failed and waiting to retry). */
  async cancelWaiting(destinationId: string): Promise<DeliveryEntity[]> {
    const [rows] = (await this.dataSource.query(
      `UPDATE deliveries d SET status = 'cancelled', next_attempt_at = NULL, lease_until = NULL, updated_at = now()
       WHERE d.destination_id = $1 AND d.status IN ('scheduled', 'failed')
       RETURNING ${DELIVERY_COLUMNS}`,
      [destinationId],
    )) as [DeliveryEntity[], number];
    return rows;
  }

  /** A destination's deliveries not settled yet: waiting, or in flight. */
  async countPending(destinationId: string): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM deliveries
       WHERE destination_id = $1 AND status IN ('scheduled', 'failed', 'delivering')`,
      [destinationId],
    )) as { n: number }[];
    return row.n;
  }

  /** When the next delivery a worker may send falls due (scheduled or waiting to retry), if any. */
  async nextDueAt(): Promise<Date | null> {
    const [row] = await this.dataSource.query(
      `SELECT min(d.next_attempt_at) AS "at" FROM deliveries d
       WHERE d.status IN ('scheduled', 'failed') AND ${WORKER_SENDS}`,
    );
    return row?.at ?? null;
  }

  /**
   * Claimed rows with their events (read by the claim itself) and destinations: from the cache
   * while the row's version of a destination is the one read before, otherwise read now.
   */
  private async claimedFrom(rows: ClaimedRow[]): Promise<ClaimedDelivery[]> {
    if (rows.length === 0) return [];
    const stale = new Set<string>();
    for (const row of rows) {
      const id = row.destinationId;
      if (id && this.destinations.get(id)?.version !== row.destinationVersion) stale.add(id);
    }
    if (stale.size > 0) {
      const read = await preparedQuery<DestinationEntity & { version: string }>(
        this.dataSource,
        'hookyard_claimed_destinations_versioned',
        `SELECT ${DESTINATION_COLUMNS}, updated_at::text AS version
         FROM destinations WHERE id = ANY($1::uuid[])`,
        [[...stale]],
      );
      if (this.destinations.size + read.length > DESTINATION_CACHE_SIZE) this.destinations.clear();
      for (const { version, ...destination } of read) {
        this.destinations.set(destination.id, { version, destination });
      }
    }
    return rows.map(
      ({
        eventSourceId,
        eventReceivedAt,
        eventMethod,
        eventPath,
        eventQuery,
        eventHeaders,
        eventBody,
        destinationVersion: _,
        ...delivery
      }) => {
        const event = {
          id: delivery.eventId,
          sourceId: eventSourceId,
          receivedAt: eventReceivedAt,
          method: eventMethod,
          path: eventPath,
          query: eventQuery,
          headers: eventHeaders,
          body: eventBody,
        };
        const id = delivery.destinationId;
        const destination = id ? (this.destinations.get(id)?.destination ?? null) : null;
        return { delivery: delivery as DeliveryEntity, destination, event };
      },
    );
  }

  /** Gives a claimed delivery back without an attempt (its destination's rate limit said wait). */
  async postpone(deliveryId: string, n: number, until: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE deliveries SET status = 'scheduled', next_attempt_at = $3, lease_until = NULL, updated_at = now()
       WHERE id = $1 AND attempt_count = $2 - 1 AND status = 'delivering'`,
      [deliveryId, n, until],
    );
  }

  /**
   * Records attempt `n` and the delivery's new state in one transaction. The unique
   * (delivery_id, n) index means a second worker that raced this one records
   * nothing; returns false then. Destination health moves in the same transaction.
   *
   * `onlyIf`: `claimed` (a worker's attempt) records whatever the row says now, as the
   * worker held the claim. `cli_pending` (a CLI's report) records only while attempt `n`
   * is the delivery's next one and the delivery still waits for it: in flight, or given back
   * when the CLI's stream closed before its report came (the report still counts). A
   * cancelled or settled delivery, or another attempt number, records nothing.
   */
  async recordAttempt(
    a: AttemptRecord,
    health: DestinationHealthChange | null,
    onlyIf: AttemptGuard = 'claimed',
  ): Promise<{ recorded: boolean; destinationDisabled: boolean }> {
    // The common case, a worker's success, goes with others in one statement.
    if (onlyIf === 'claimed' && (!health || (health.succeeded && !health.disableNow))) {
      const recorded = await this.successes.submit({
        attempt: a,
        destinationId: health?.destinationId ?? null,
      });
      return { recorded, destinationDisabled: false };
    }
    return this.dataSource.transaction(async (tx) => {
      if (onlyIf === 'cli_pending') {
        const pending: unknown[] = await tx.query(
          `SELECT 1 FROM deliveries WHERE id = $1 AND attempt_count = $2 - 1
             AND status IN ('delivering', 'scheduled') FOR UPDATE`,
          [a.deliveryId, a.n],
        );
        if (pending.length === 0) return { recorded: false, destinationDisabled: false };
      }
      const columns = ATTEMPT_COLUMN_NAMES;
      const inserted: unknown[] = await tx.query(
        `INSERT INTO attempts (id, ${columns.join(', ')}, destination_id)
         VALUES (gen_random_uuid(), ${columns.map((_, i) => `$${i + 1}`).join(', ')}, ${destinationOf('$1::uuid')})
         ON CONFLICT (delivery_id, n) DO NOTHING RETURNING id`,
        attemptValues(a),
      );
      if (inserted.length === 0) return { recorded: false, destinationDisabled: false };
      await tx.query(
        `UPDATE deliveries SET status = $3, attempt_count = $2, next_attempt_at = $4, last_status_code = $5,
                last_error = $6, lease_until = NULL, updated_at = now()
         WHERE id = $1 AND attempt_count = $2 - 1`,
        [a.deliveryId, a.n, a.status, a.nextAttemptAt, a.statusCode, a.error],
      );
      if (!health) return { recorded: true, destinationDisabled: false };
      const [updated] = (await tx.query(
        `UPDATE destinations SET
           consecutive_failures = CASE WHEN $2 THEN 0 ELSE consecutive_failures + 1 END,
           disabled_at = CASE
             WHEN disabled_at IS NOT NULL THEN disabled_at
             WHEN $3::text IS NOT NULL OR (NOT $2 AND consecutive_failures + 1 >= $4) THEN now()
             ELSE NULL END,
           disabled_reason = CASE
             WHEN disabled_at IS NOT NULL THEN disabled_reason
             WHEN $3::text IS NOT NULL THEN $3::text
             WHEN NOT $2 AND consecutive_failures + 1 >= $4 THEN 'Disabled after ' || $4 || ' consecutive failed attempts'
             ELSE NULL END,
           updated_at = now()
         -- A success that changes nothing (no failures to reset) leaves the row alone: every
         -- worker's transaction would otherwise queue on this one row's lock.
         WHERE id = $1 AND NOT ($2 AND consecutive_failures = 0 AND $3::text IS NULL)
         RETURNING (disabled_at IS NOT NULL AND disabled_at >= now()) AS "justDisabled"`,
        [health.destinationId, health.succeeded, health.disableNow, health.disableAfter],
      )) as [{ justDisabled: boolean }[], number];
      return { recorded: true, destinationDisabled: updated[0]?.justDisabled ?? false };
    });
  }

  /**
   * Claimed attempts that succeeded, recorded in one statement (so, atomically each): the
   * attempt, the delivery's new state, and a reset of the failure count of each destination
   * that had failures. An attempt already recorded (another worker raced this one) records
   * nothing and gets false. A success that changes no failure count leaves the destination's
   * row alone, or every worker would queue on that one row's lock.
   */
  private async recordSuccesses(requests: RecordRequest[]): Promise<boolean[]> {
    const recorded = await preparedQuery<{ deliveryId: string; n: number }>(
      this.dataSource,
      'hookyard_record_successes',
      RECORD_SUCCESSES_SQL,
      [JSON.stringify(requests.map(successRow))],
    );
    const done = new Set(recorded.map((r) => `${r.deliveryId}:${r.n}`));
    return requests.map(({ attempt }) => done.has(`${attempt.deliveryId}:${attempt.n}`));
  }

  /**
   * Due deliveries (scheduled, or failed and due to retry) that have waited longer than
   * `graceMs`: their job may be lost with Redis, or was never queued. Oldest due first.
   */
  async findOverdue(graceMs: number, limit: number): Promise<DueDelivery[]> {
    const rows: { id: string; attemptCount: number }[] = await this.dataSource.query(
      `SELECT d.id, d.attempt_count AS "attemptCount" FROM deliveries d
       WHERE d.status IN ('scheduled', 'failed') AND d.next_attempt_at <= now() - make_interval(secs => $1 / 1000.0)
         AND ${WORKER_SENDS}
       ORDER BY d.next_attempt_at
       LIMIT $2`,
      [graceMs, limit],
    );
    return rows.map((r) => ({ id: r.id, attempt: r.attemptCount + 1 }));
  }

  /** In-flight deliveries whose worker's lease ran out (the worker died), oldest lease first. */
  async findLeaseEnded(limit: number): Promise<DueDelivery[]> {
    const rows: { id: string; attemptCount: number; leaseEndedAt: Date }[] =
      await this.dataSource.query(
        `SELECT d.id, d.attempt_count AS "attemptCount", d.lease_until AS "leaseEndedAt"
         FROM deliveries d
         WHERE d.status = 'delivering' AND d.lease_until < now() AND ${WORKER_SENDS}
         ORDER BY d.lease_until
         LIMIT $1`,
        [limit],
      );
    return rows.map((r) => ({
      id: r.id,
      attempt: r.attemptCount + 1,
      leaseEndedAt: r.leaseEndedAt,
    }));
  }

  /** Creates deliveries (test events) due now. */
  async insert(
    deliveries: { id: string; eventId: string; destinationId: string | null; url: string | null }[],
  ): Promise<void> {
    if (deliveries.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO deliveries (id, event_id, destination_id, url, status, next_attempt_at, created_at, updated_at)
       SELECT x.id, x.event_id, x.destination_id, x.url, 'scheduled', now(), now(), now()
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) AS x(id, event_id, destination_id, url)`,
      [
        deliveries.map((d) => d.id),
        deliveries.map((d) => d.eventId),
        deliveries.map((d) => d.destinationId),
        deliveries.map((d) => d.url),
      ],
    );
  }

  /** Creates a replay due now; an edited one carries the headers and body it sends. */
  async insertReplay(replay: {
    id: string;
    eventId: string;
    destinationId: string | null;
    url: string | null;
    overrideHeaders: Record<string, string> | null;
    overrideBody: Buffer | null;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO deliveries (id, event_id, destination_id, url, override_headers, override_body, status,
                               next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', now(), now(), now())`,
      [
        replay.id,
        replay.eventId,
        replay.destinationId,
        replay.url,
        replay.overrideHeaders === null ? null : JSON.stringify(replay.overrideHeaders),
        replay.overrideBody,
      ],
    );
  }

  /** An edited replay's headers and body (null: the event's), for its detail. */
  async findOverride(
    id: string,
  ): Promise<{ headers: Record<string, string> | null; body: Buffer | null } | null> {
    const rows: { headers: Record<string, string> | null; body: Buffer | null }[] =
      await this.dataSource.query(
        `SELECT override_headers AS headers, override_body AS body FROM deliveries WHERE id = $1`,
        [id],
      );
    return rows[0] ?? null;
  }

  /** Schedules one delivery again, now, unless it is already scheduled or in flight. */
  async retry(id: string): Promise<DueDelivery | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE deliveries SET status = 'scheduled', next_attempt_at = now(), lease_until = NULL, updated_at = now()
       WHERE id = $1 AND status IN ('failed', 'dead', 'succeeded', 'cancelled')
       RETURNING id, attempt_count AS "attemptCount"`,
      [id],
    )) as [{ id: string; attemptCount: number }[], number];
    return rows[0] ? { id: rows[0].id, attempt: rows[0].attemptCount + 1 } : null;
  }

  async bulkRetry(filter: BulkRetry): Promise<DueDelivery[]> {
    const where = ['status = $1'];
    const args: unknown[] = [filter.status];
    if (filter.destinationId) where.push(`destination_id = $${args.push(filter.destinationId)}`);
    if (filter.since) where.push(`created_at >= $${args.push(new Date(filter.since))}`);
    if (filter.until) where.push(`created_at < $${args.push(new Date(filter.until))}`);
    const [rows] = (await this.dataSource.query(
      `UPDATE deliveries SET status = 'scheduled', next_attempt_at = now(), lease_until = NULL, updated_at = now()
       WHERE ${where.join(' AND ')}
       RETURNING id, attempt_count AS "attemptCount"`,
      args,
    )) as [{ id: string; attemptCount: number }[], number];
    return rows.map((r) => ({ id: r.id, attempt: r.attemptCount + 1 }));
  }

  async cancel(id: string): Promise<boolean> {
    const [, count] = (await this.dataSource.query(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_until = NULL, updated_at = now()
       WHERE id = $1 AND status IN ('scheduled', 'failed')`,
      [id],
    )) as [unknown[], number];
    return count > 0;
  }

  async findById(id: string): Promise<DeliveryEntity | null> {
    const rows: DeliveryEntity[] = await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d WHERE d.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  findAttempt(deliveryId: string, n: number): Promise<AttemptEntity | null> {
    return this.dataSource.getRepository(AttemptEntity).findOneBy({ deliveryId, n });
  }

  findAttempts(deliveryId: string): Promise<AttemptEntity[]> {
    return this.dataSource
      .getRepository(AttemptEntity)
      .find({ where: { deliveryId }, order: { n: 'ASC' } });
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(filter: ListDeliveriesQuery, after: KeysetCursor | null): Promise<DeliveryEntity[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) where.push(`d.status = $${args.push(filter.status)}`);
    if (filter.destinationId) where.push(`d.destination_id = $${args.push(filter.destinationId)}`);
    if (filter.eventId) where.push(`d.event_id = $${args.push(filter.eventId)}`);
    if (after)
      where.push(`(d.created_at, d.id) < ($${args.push(after.at)}, $${args.push(after.id)})`);
    return this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY d.created_at DESC, d.id DESC LIMIT $${args.push(filter.limit + 1)}`,
      args,
    );
  }
}
