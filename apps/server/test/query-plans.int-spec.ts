import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { RoutingChanges } from '../src/database/routing-changes';
import { CLAIM_BY_ID_SQL, CLAIM_DUE_SQL } from '../src/modules/deliveries/deliveries.repository';
import { DestinationsRepository } from '../src/modules/destinations/destinations.repository';
import { StatsRepository } from '../src/modules/stats/stats.repository';
import { statsWindow } from '../src/modules/stats/stats-window';
import { insertDestinationSql, insertSourceSql, truncateAll, withDb } from './helpers';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Subplan Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

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
  /** A statement's generic plan, as a prepared statement keeps it (`plan_cache_mode` is forced). */
  async function genericPlan(
    c: Client,
    sql: string,
    types: string,
    args: string,
  ): Promise<PlanNode> {
    await c.query(`PREPARE planned (${types}) AS ${sql}`);
    try {
      const explained = await c.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
        `EXPLAIN (FORMAT JSON) EXECUTE planned(${args})`,
      );
      return explained.rows[0]['QUERY PLAN'][0].Plan;
    } finally {
      await c.query('DEALLOCATE planned');
    }
  }

  /** The worker's claim of `ids`, planned. */
  function claimPlan(c: Client, ids: string[]): Promise<PlanNode> {
    // EXECUTE takes no bind parameters: the values go in as literals (uuids from the database).
    const array = (values: (string | number)[]) => `'{${values.join(',')}}'`;
    return genericPlan(
      c,
      CLAIM_BY_ID_SQL,
      'uuid[], integer[], integer[]',
      `${array(ids)}, ${array(ids.map(() => 1))}, ${array(ids.map(() => 10_000))}`,
    );
  }

  /** The indexes on `deliveries` that the worker's claim of `ids` reads. */
  async function claimIndexes(c: Client, ids: string[]): Promise<string[]> {
    return indexesOf(await claimPlan(c, ids)).filter((name) => name.startsWith('deliveries_'));
  }

  /**
   * The claim reads its deliveries' events one by one, by primary key, and no step of it reads
   * either table whole.
   */
  function expectReadsByKey(plan: PlanNode) {
    const reads = (table: string) =>
      nodesOf(plan)
        .filter((n) => n['Relation Name'] === table)
        .map((n) => `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name']}`);
    expect(reads('events')).toEqual(['Index Scan events_pkey']);
    expect(reads('deliveries').filter((r) => r.startsWith('Seq Scan'))).toEqual([]);
  }

  /** 5,000 deliveries due a minute ago, and fresh statistics. */
  async function dueBacklog(c: Client): Promise<string[]> {
    const { rows } = await c.query<{ id: string }>(
      `WITH s AS (
         ${insertSourceSql('plan')}
       ), t AS (
         ${insertDestinationSql('Plan')}
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
    return rows.map((r) => r.id);
  }

  it("a worker's claim finds each delivery, and its event, by primary key, on an empty table or a full one", async () => {
    await withDb(async (c) => {
      await c.query(`SET plan_cache_mode = force_generic_plan`);
      // As a worker's connection first prepares it: nothing stored yet, no statistics.
      const none = [randomUUID(), randomUUID()];
      expect(await claimIndexes(c, none)).toEqual(['deliveries_pkey']);
      expectReadsByKey(await claimPlan(c, none));

      const ids = await dueBacklog(c);
      expect(await claimIndexes(c, ids.slice(0, 50))).toEqual(['deliveries_pkey']);
      expectReadsByKey(await claimPlan(c, ids.slice(0, 50)));
    });
  });

  it("the database transport's claim walks the due index in order, on an empty table or a full one", async () => {
    await withDb(async (c) => {
      await c.query(`SET plan_cache_mode = force_generic_plan`);
      // How the claim finds due deliveries: the nodes under its `due` step.
      const dueStep = async () => {
        const plan = await genericPlan(c, CLAIM_DUE_SQL, 'integer, integer', '20, 10000');
        const due = nodesOf(plan).find((n) => n['Subplan Name'] === 'CTE due');
        return nodesOf(due ?? plan).map((n) =>
          `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name'] ?? ''}`.trim(),
        );
      };
      // Rows locked in due order, straight off the index: a sort, or a scan of the table, would
      // read the whole backlog on every claim.
      const walk = expect.arrayContaining(['LockRows', 'Limit', 'Index Scan deliveries_due_idx']);
      const plan = () => genericPlan(c, CLAIM_DUE_SQL, 'integer, integer', '20, 10000');
      const onEmpty = await dueStep();
      expect(onEmpty).toEqual(walk);
      expectReadsByKey(await plan());
      expect(onEmpty.filter((n) => n.startsWith('Sort') || n === 'Seq Scan deliveries')).toEqual(
        [],
      );
      await dueBacklog(c);
      const onFull = await dueStep();
      expect(onFull).toEqual(walk);
      expectReadsByKey(await plan());
      expect(onFull.filter((n) => n.startsWith('Sort') || n === 'Seq Scan deliveries')).toEqual([]);
    });
  });

  /**
   * A stand-in for the repositories' DataSource: each statement is planned on `c` (EXPLAIN, with
   * its parameters), not run, and answers no rows.
   */
  function planning(c: Client, plans: PlanNode[]): DataSource {
    return {
      getRepository: () => ({}),
      query: async (sql: string, args: unknown[]) => {
        const explained = await c.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
          `EXPLAIN (FORMAT JSON) ${sql}`,
          args,
        );
        plans.push(explained.rows[0]['QUERY PLAN'][0].Plan);
        return [];
      },
    } as unknown as DataSource;
  }

  /** 30 days of attempts (one an hour, of 3 destinations' deliveries), vacuumed and analysed. */
  async function attemptHistory(c: Client): Promise<string[]> {
    const { rows } = await c.query<{ id: string }>(
      `WITH s AS (
         ${insertSourceSql('plan')}
       ), t AS (
         INSERT INTO destinations (id, name, url, timeout_ms, retry)
         SELECT gen_random_uuid(), 'Plan ' || i, 'http://127.0.0.1:9/hook', 10000, '{}'
         FROM generate_series(1, 3) i RETURNING id
       ), e AS (
         INSERT INTO events (id, source_id, received_at, method, path, query, headers, body, size, status)
         SELECT gen_random_uuid(), s.id, now() - make_interval(hours => i), 'POST', '/', '', '[]',
                '\\x7b7d', 2, 'accepted'
         FROM s, generate_series(0, 719) i RETURNING id, received_at
       ), d AS (
         INSERT INTO deliveries (id, event_id, destination_id, status, attempt_count)
         SELECT gen_random_uuid(), e.id, t.id, 'failed', 1 FROM e, t RETURNING id, event_id, destination_id
       ), a AS (
         INSERT INTO attempts (id, delivery_id, destination_id, n, at, url, request_headers, status_code, duration_ms)
         SELECT gen_random_uuid(), d.id, d.destination_id, 1, e.received_at, 'http://127.0.0.1:9/hook', '{}', 503, 12
         FROM d JOIN e ON e.id = d.event_id
       )
       SELECT id FROM t`,
    );
    await c.query('VACUUM (ANALYZE) sources, destinations, events, deliveries, attempts');
    return rows.map((r) => r.id);
  }

  /** Each plan's reads, as "<node> <index or table>". */
  const readsOf = (plans: PlanNode[]) =>
    plans.flatMap(nodesOf).flatMap((n) => {
      const what = n['Index Name'] ?? n['Relation Name'];
      return what ? [`${n['Node Type']} ${what}`] : [];
    });

  it("the Overview's failing destinations and the destinations' tallies read the attempts' index alone, never the deliveries", async () => {
    await withDb(async (c) => {
      const destinations = await attemptHistory(c);
      const plans: PlanNode[] = [];
      const window = statsWindow('24h', new Date());
      await new StatsRepository(planning(c, plans)).topFailingDestinations(window, {}, 5);
      await new StatsRepository(planning(c, plans)).topFailingDestinations(
        window,
        { destinationId: destinations[0] },
        5,
      );
      await new DestinationsRepository(planning(c, plans), {} as RoutingChanges).tallyAttempts(
        destinations,
        new Date(Date.now() - 86_400_000),
      );
      expect(plans).toHaveLength(3);
      const reads = readsOf(plans);
      // Before, the window's attempts were joined to their deliveries: a scan of that table.
      expect(reads.filter((r) => r.includes('deliveries'))).toEqual([]);
      // The window is a range of the covering index, read without the attempts' rows; only
      // the latest failure's error, for each destination kept, is looked up in the table.
      expect(reads).toContain('Index Only Scan attempts_at_idx');
      expect(reads.filter((r) => r.startsWith('Seq Scan attempts'))).toEqual([]);
    });
  });
});
