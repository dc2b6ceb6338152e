import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type {
  DeliveryCounts,
  EventStatus,
  ListEventsQuery,
  RejectionDetails,
} from '@hookyard/contracts';
import type { KeysetCursor } from '../../common/keyset-cursor';
import { GroupCommit } from '../../database/group-commit';
import { isUniqueViolation } from '../../database/postgres-errors';
import { preparedQuery } from '../../database/prepared';
import { DeliveryEntity } from '../deliveries/delivery.entity';
import { EventEntity, type HeaderPairs } from './event.entity';

export interface NewEvent {
  id: string;
  sourceId: string | null;
  receivedAt: Date;
  method: string;
  path: string;
  query: string;
  headers: HeaderPairs;
  body: Buffer;
  contentType: string | null;
  sourceIp: string | null;
  status: EventStatus;
  rejection: RejectionDetails | null;
  dedupeKey: string | null;
  handshake: string | null;
}

export interface NewDelivery {
  id: string;
  destinationId: string;
}

export type EventRow = Omit<EventEntity, 'body'>;

interface IngestWrite {
  event: NewEvent;
  deliveries: NewDelivery[];
}
interface IngestWritten {
  id: string;
  duplicate: boolean;
}

/** The partial unique index that makes a dedupe key stored once per source. */
const DEDUPE_INDEX = 'events_source_dedupe_key';

const EVENT_INSERT_COLUMNS = `id, source_id, received_at, method, path, query, headers, body, content_type,
  size, source_ip, status, rejection, dedupe_key, handshake`;
/** The columns' types, for the parameters of a multi-row VALUES list. */
const EVENT_INSERT_TYPES = [
  'uuid',
  'uuid',
  'timestamptz',
  'text',
  'text',
  'text',
  'jsonb',
  'bytea',
  'text',
  'integer',
  'text',
  'text',
  'jsonb',
  'text',
  'text',
];

/** An event's values in the order of EVENT_INSERT_COLUMNS. */
function eventValues(e: NewEvent): unknown[] {
  return [
    e.id,
    e.sourceId,
    e.receivedAt,
    e.method,
    e.path,
    e.query,
    JSON.stringify(e.headers),
    e.body,
    e.contentType,
    e.body.length,
    e.sourceIp,
    e.status,
    e.rejection === null ? null : JSON.stringify(e.rejection),
    e.dedupeKey,
    e.handshake,
  ];
}

export type EventListRow = EventRow & { deliveryCounts: DeliveryCounts };

/** Columns of an event without its body: list queries never read the bytes. */
const SUMMARY_COLUMNS = `id, source_id AS "sourceId", received_at AS "receivedAt", method, path, query,
  content_type AS "contentType", size, source_ip AS "sourceIp", status, rejection,
  dedupe_key AS "dedupeKey", handshake`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class EventsRepository {
  /** Ingest writes: one statement per group of requests that arrive together. */
  private readonly ingestWrites = new GroupCommit<IngestWrite, IngestWritten>(
    { one: (w) => this.insertOne(w), many: (ws) => this.insertMany(ws) },
    200,
  );

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The ingest write, hand-written for the hot path, through group commit: requests that arrive
   * while a write runs share the next statement. Resolves once the event is committed. A
   * duplicate dedupe key inserts nothing (the partial unique index decides, so concurrent
   * duplicates cannot both win) and returns the first event's id instead.
   */
  insertIngested(
    e: NewEvent,
    deliveries: NewDelivery[] = [],
  ): Promise<{ id: string; duplicate: boolean }> {
    return this.ingestWrites.submit({ event: e, deliveries });
  }

  /** One event and its deliveries in one statement: both commit, or neither. */
  private async insertOne({ event: e, deliveries }: IngestWrite): Promise<IngestWritten> {
    // A duplicate inserts no event, so it creates no deliveries either.
    const inserted = await preparedQuery<{ id: string }>(
      this.dataSource,
      'hookyard_ingest_1',
      `WITH e AS (
         INSERT INTO events (${EVENT_INSERT_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (source_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
         RETURNING id
       ), d AS (
         INSERT INTO deliveries (id, event_id, destination_id, status, next_attempt_at, created_at, updated_at)
         SELECT x.id, e.id, x.destination_id, 'scheduled', $3, $3, $3
         FROM e, unnest($16::uuid[], $17::uuid[]) AS x(id, destination_id)
       )
       SELECT id FROM e`,
      [...eventValues(e), deliveries.map((d) => d.id), deliveries.map((d) => d.destinationId)],
    );
    if (inserted.length === 1) return { id: inserted[0].id, duplicate: false };
    return { id: await this.firstWithKey(e), duplicate: true };
  }

  /**
   * A group of events and their deliveries in one statement. Duplicates are rare (a provider
   * resends after a timeout), so the statement first goes without `ON CONFLICT`, whose
   * speculative insertion costs PostgreSQL more per row (about a fifth of the ingest rate
   * here); a dedupe key already stored fails it with a unique violation, and only then is the
   * group written again with `ON CONFLICT … DO NOTHING`.
   */
  private async insertMany(writes: IngestWrite[]): Promise<IngestWritten[]> {
    try {
      return await this.insertGroup(writes, false);
    } catch (error) {
      if (!isUniqueViolation(error, DEDUPE_INDEX)) throw error;
      return this.insertGroup(writes, true);
    }
  }

  private async insertGroup(
    writes: IngestWrite[],
    skipDuplicates: boolean,
  ): Promise<IngestWritten[]> {
    const args: unknown[] = [];
    const rows = writes.map(({ event }) => {
      const first = args.length;
      args.push(...eventValues(event));
      return `(${EVENT_INSERT_TYPES.map((type, i) => `$${first + i + 1}::${type}`).join(', ')})`;
    });
    const deliveries = writes.flatMap(({ event, deliveries }) =>
      deliveries.map((d) => ({ ...d, eventId: event.id, at: event.receivedAt })),
    );
    const n = args.length;
    args.push(
      deliveries.map((d) => d.id),
      deliveries.map((d) => d.eventId),
      deliveries.map((d) => d.destinationId),
      deliveries.map((d) => d.at),
    );
    // One text per group size and kind: each is prepared once per connection.
    const inserted = await preparedQuery<{ id: string }>(
      this.dataSource,
      `hookyard_ingest_${writes.length}${skipDuplicates ? '_dedupe' : ''}`,
      `WITH e AS (
         INSERT INTO events (${EVENT_INSERT_COLUMNS})
         VALUES ${rows.join(',\n')}
         ${skipDuplicates ? 'ON CONFLICT (source_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING' : ''}
         RETURNING id
       ), d AS (
         INSERT INTO deliveries (id, event_id, destination_id, status, next_attempt_at, created_at, updated_at)
         SELECT x.id, x.event_id, x.destination_id, 'scheduled', x.at, x.at, x.at
         FROM unnest($${n + 1}::uuid[], $${n + 2}::uuid[], $${n + 3}::uuid[], $${n + 4}::timestamptz[])
              AS x(id, event_id, destination_id, at)
         JOIN e ON e.id = x.event_id
       )
       SELECT id FROM e`,
      args,
    );
    const stored = new Set(inserted.map((r) => r.id));
    const written: IngestWritten[] = [];
    for (const { event } of writes) {
      written.push(
        stored.has(event.id)
          ? { id: event.id, duplicate: false }
          : { id: await this.firstWithKey(event), duplicate: true },
      );
    }
    return written;
  }

  /** The event that holds `e`'s dedupe key (committed before `e` arrived). */
  private async firstWithKey(e: NewEvent): Promise<string> {
    const first: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM events WHERE source_id = $1 AND dedupe_key = $2`,
      [e.sourceId, e.dedupeKey],
    );
    return first[0].id;
  }

  /**
   * Newest first, keyset-paginated on (received_at, id): the same cost on page 1 and page 1000.
   * Each event's deliveries are counted by status for the page's rows only (the lateral join
   * runs after the LIMIT, one deliveries_event_idx lookup per row).
   */
  async list(filter: ListEventsQuery, after: KeysetCursor | null): Promise<EventListRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (value: unknown) => {
      args.push(value);
      return `$${args.length}`;
    };
    if (filter.sourceId) where.push(`source_id = ${arg(filter.sourceId)}`);
    if (filter.status) where.push(`status = ${arg(filter.status)}`);
    if (filter.since) where.push(`received_at >= ${arg(new Date(filter.since))}`);
    if (filter.until) where.push(`received_at < ${arg(new Date(filter.until))}`);
    if (after) where.push(`(received_at, id) < (${arg(after.at)}, ${arg(after.id)})`);
    if (filter.q) {
      const like = arg(`%${escapeLike(filter.q)}%`);
      const bytes = arg(Buffer.from(filter.q, 'utf8'));
      // Path, query, dedupe key and headers (ASCII on the wire) in one ILIKE, a line apart so that
      // no match spans two of them, under the C collation, which folds ASCII letters only: a third
      // cheaper than four ILIKEs, each folding its field by the database's UTF-8 rules. The body
      // is bytes, matched exactly.
      where.push(
        `(concat_ws(E'\\n', path, query, dedupe_key, headers::text) COLLATE "C" ILIKE ${like}
          OR position(${bytes}::bytea IN body) > 0)`,
      );
    }
    const sql = `SELECT e.*, c.counts AS "deliveryCounts"
      FROM (
        SELECT ${SUMMARY_COLUMNS} FROM events
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY received_at DESC, id DESC
        LIMIT ${arg(filter.limit + 1)}
      ) e
      LEFT JOIN LATERAL (
        SELECT json_build_object(
          'total', count(*),
          'pending', count(*) FILTER (WHERE d.status IN ('scheduled', 'delivering')),
          'succeeded', count(*) FILTER (WHERE d.status = 'succeeded'),
          'failed', count(*) FILTER (WHERE d.status = 'failed'),
          'dead', count(*) FILTER (WHERE d.status = 'dead'),
          'cancelled', count(*) FILTER (WHERE d.status = 'cancelled')
        ) AS counts
        FROM deliveries d WHERE d.event_id = e.id
      ) c ON true
      ORDER BY e."receivedAt" DESC, e.id DESC`;
    return this.dataSource.query(sql, args);
  }

  async findWithBody(
    id: string,
  ): Promise<(EventRow & { headers: HeaderPairs; body: Buffer }) | null> {
    const rows = await this.dataSource.query(
      `SELECT ${SUMMARY_COLUMNS}, headers, body FROM events WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async exists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM events WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  findDeliveries(eventId: string): Promise<DeliveryEntity[]> {
    return this.dataSource
      .getRepository(DeliveryEntity)
      .find({ where: { eventId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}
