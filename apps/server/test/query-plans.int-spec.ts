import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { CLAIM_BY_ID_SQL } from '../src/modules/deliveries/deliveries.repository';
import { truncateAll, withDb } from './helpers';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const indexesOf = (node: PlanNode): string[] => [
  ...(node['Index Name'] ? [node['Index Name']] : []),
  ...(node.Plans ?? []).flatMap(indexesOf),
];

beforeEach(() => truncateAll());

/**
 * Plans that must not depend on the table's size or statistics: a prepared statement keeps its
 * generic plan for the life of a connection, however the table grows after it was made.
 */
describe('query plans', () => {
  /** The indexes on `deliveries` that the claim's generic plan reads, other than its primary key. */
  async function claimIndexes(c: Client, ids: string[]): Promise<string[]> {
    await c.query(`PREPARE claim (uuid[], integer[], integer[]) AS ${CLAIM_BY_ID_SQL}`);
    try {
      // EXECUTE takes no bind parameters: the values go in as literals (uuids from the database).
      const array = (values: (string | number)[]) => `'{${values.join(',')}}'`;
      const explained = await c.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
        `EXPLAIN (FORMAT JSON) EXECUTE claim(${array(ids)}, ${array(ids.map(() => 1))}, ${array(ids.map(() => 10_000))})`,
      );
      const [{ Plan: plan }] = explained.rows[0]['QUERY PLAN'];
      return indexesOf(plan);
    } finally {
      await c.query('DEALLOCATE claim');
    }
  }

  it("a worker's claim finds each delivery by its primary key, on an empty table or a full one", async () => {
    await withDb(async (c) => {
      await c.query(`SET plan_cache_mode = force_generic_plan`);
      // As a worker's connection first prepares it: nothing stored yet, no statistics.
      const none = [randomUUID(), randomUUID()];
      const onEmpty = await claimIndexes(c, none);
      expect(onEmpty.filter((name) => name.startsWith('deliveries_'))).toEqual(['deliveries_pkey']);

      const { rows } = await c.query<{ id: string }>(
        `WITH s AS (
           INSERT INTO sources (id, name, slug, verification, max_body_bytes, dedupe, created_at, updated_at)
           VALUES (gen_random_uuid(), 'Plan', 'plan', '{"type":"none"}', 1048576, '{}', now(), now()) RETURNING id
         ), t AS (
           INSERT INTO destinations (id, name, url, timeout_ms, retry)
           VALUES (gen_random_uuid(), 'Plan', 'http://127.0.0.1:9/hook', 10000, '{}') RETURNING id
         ), e AS (
           INSERT INTO events (id, source_id, received_at, method, path, query, headers, body, size, status)
           SELECT gen_random_uuid(), s.id, now(), 'POST', '/', '', '[]', '\\x7b7d', 2, 'accepted'
           FROM s, generate_series(1, 5000) RETURNING id
         )
         INSERT INTO deliveries (id, event_id, destination_id, status, next_attempt_at)
         SELECT gen_random_uuid(), e.id, t.id, 'scheduled', now() - interval '1 minute' FROM e, t
         RETURNING id`,
      );
      await c.query('ANALYZE sources, destinations, events, deliveries');
      const onFull = await claimIndexes(
        c,
        rows.slice(0, 50).map((r) => r.id),
      );
      expect(onFull.filter((name) => name.startsWith('deliveries_'))).toEqual(['deliveries_pkey']);
    });
  });
});
