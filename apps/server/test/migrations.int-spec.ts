import type { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { AttemptsDestination1764600000000 } from '../src/database/migrations/1764600000000-AttemptsDestination';
import { insertDestinationSql, insertSourceSql, truncateAll, withDb } from './helpers';

beforeEach(() => truncateAll());

/** A migration's `up` and `down` run on `c` (they only ever call `query`). */
const runnerOf = (c: Client) =>
  ({ query: (sql: string, args?: unknown[]) => c.query(sql, args) }) as unknown as QueryRunner;

describe('migrations that rewrite stored rows', () => {
  it("AttemptsDestination gives each stored attempt its delivery's destination (none for an ad-hoc URL)", async () => {
    await withDb(async (c) => {
      await c.query('BEGIN');
      try {
        // The schema as it was before the migration, with attempts already stored.
        const migration = new AttemptsDestination1764600000000();
        await migration.down(runnerOf(c));
        const { rows } = await c.query<{ destination: string; routed: string; adHoc: string }>(
          `WITH s AS (
             ${insertSourceSql('m')}
           ), t AS (
             ${insertDestinationSql('M')}
           ), e AS (
             INSERT INTO events (id, source_id, received_at, method, path, query, headers, body, size, status)
             SELECT gen_random_uuid(), s.id, now(), 'POST', '/', '', '[]', '\\x7b7d', 2, 'accepted' FROM s
             RETURNING id
           ), routed AS (
             INSERT INTO deliveries (id, event_id, destination_id, status, attempt_count)
             SELECT gen_random_uuid(), e.id, t.id, 'failed', 2 FROM e, t RETURNING id
           ), ad_hoc AS (
             INSERT INTO deliveries (id, event_id, url, status, attempt_count)
             SELECT gen_random_uuid(), e.id, 'http://127.0.0.1:9/other', 'succeeded', 1 FROM e RETURNING id
           ), a AS (
             INSERT INTO attempts (id, delivery_id, n, at, url, request_headers, status_code, duration_ms)
             SELECT gen_random_uuid(), d.id, n, now(), 'http://127.0.0.1:9/hook', '{}', 503, 10
             FROM (SELECT id FROM routed UNION ALL SELECT id FROM ad_hoc) d, generate_series(1, 2) n
           )
           SELECT t.id AS destination, routed.id AS routed, ad_hoc.id AS "adHoc" FROM t, routed, ad_hoc`,
        );
        const [{ destination, routed, adHoc }] = rows;

        await migration.up(runnerOf(c));

        const stored = await c.query<{ deliveryId: string; destinationId: string | null }>(
          `SELECT delivery_id AS "deliveryId", destination_id AS "destinationId"
           FROM attempts ORDER BY delivery_id = $1 DESC, n`,
          [routed],
        );
        expect(stored.rows).toEqual([
          { deliveryId: routed, destinationId: destination },
          { deliveryId: routed, destinationId: destination },
          { deliveryId: adHoc, destinationId: null },
          { deliveryId: adHoc, destinationId: null },
        ]);
        const index = await c.query<{ def: string }>(
          `SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'attempts_at_idx'`,
        );
        expect(index.rows.map((r) => r.def)).toEqual([
          expect.stringContaining(
            '(at) INCLUDE (status_code, duration_ms, delivery_id, destination_id)',
          ),
        ]);
      } finally {
        await c.query('ROLLBACK');
      }
    });
  });
});
