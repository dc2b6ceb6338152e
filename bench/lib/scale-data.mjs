// Stored events for the scale tests, generated inside PostgreSQL with generate_series
// straight into Hookyard's tables (columns: apps/server/src/database/migrations).
//
// Events are GitHub-like pushes (~1 KB body, 6 headers) spread evenly over the last 30 days
// across the given sources, and written oldest first, as ingest writes them: the newest events
// share heap pages, as they do in production (written in random order, each of the newest 51,000
// rows that a text search reads sat on a page of its own, a random read each). Each call spreads
// its events over the same 30 days. 2 % are rejected (bad signature). Accepted events of
// the last 3 days also get their delivery and one attempt (3 % of them answered 502):
// what the 24 h Overview reads. Older events have no delivery rows; it keeps a million
// events within a minute here.
//
// Bulk load as a DBA would: the events table's indexes and keys are dropped, the rows
// inserted by one statement per core, and the same definitions (read back from the
// catalog, so they always match the migrations) created again, then VACUUM (ANALYZE).
import { availableParallelism } from 'node:os';

/** Body = A + repository number + B + delivery key + '"}'; about 1 KB. */
const BODY_HEAD = '{"ref":"refs/heads/main","repository":{"full_name":"acme/service-';
const BODY_MIDDLE = `","private":true},"pusher":{"name":"octocat"},"head_commit":{"message":"${'Update the build pipeline and fix the flaky test. '.repeat(16)}"},"delivery":"`;

/** One in a thousand events mentions this repository: the text search's needle. */
export const SEARCH_TERM = 'acme/service-0042';

const INSERT = `
WITH e AS (
  INSERT INTO events (id, source_id, received_at, method, path, query, headers, body, content_type,
                      size, source_ip, status, rejection, dedupe_key)
  SELECT gen_random_uuid(), ($3::uuid[])[1 + i % cardinality($3::uuid[])],
         -- Oldest first, spread evenly over the 30 days: in time order, as ingest writes them.
         now() - ($9::int - i + random()) / ($9::int - $8::int + 1) * interval '30 days',
         'POST', '/', '',
         ('[["Host","hooks.example.com"],["User-Agent","GitHub-Hookshot/7a1c2e4"],'
          || '["Content-Type","application/json"],["X-GitHub-Event","push"],'
          || '["X-GitHub-Delivery","' || k.key || '"],'
          || '["X-Hub-Signature-256","sha256=' || k.key || k.key || '"]]')::jsonb,
         b.body, 'application/json', length(b.body), '140.82.115.' || (i % 250),
         CASE WHEN i % 50 = 0 THEN 'rejected' ELSE 'accepted' END,
         CASE WHEN i % 50 = 0
           THEN '{"code":"signature_mismatch","message":"Signature does not match"}'::jsonb END,
         k.key
  FROM generate_series($1::int, $2::int) AS i
  CROSS JOIN LATERAL (SELECT md5(i::text) AS key) k
  CROSS JOIN LATERAL (
    SELECT convert_to($5::text || lpad((i % 1000)::text, 4, '0') || $6::text || k.key || '"}', 'UTF8') AS body
  ) b
  RETURNING id, received_at, status
), d AS (
  INSERT INTO deliveries (id, event_id, destination_id, status, attempt_count, last_status_code,
                          created_at, updated_at)
  SELECT gen_random_uuid(), x.id, $4::uuid, CASE WHEN x.code = 200 THEN 'succeeded' ELSE 'dead' END,
         1, x.code, x.received_at, x.received_at + interval '50 milliseconds'
  FROM (
    SELECT e.id, e.received_at, CASE WHEN random() < 0.03 THEN 502 ELSE 200 END AS code
    FROM e WHERE e.status = 'accepted' AND e.received_at > now() - interval '3 days'
  ) x
  RETURNING id, created_at, last_status_code
)
INSERT INTO attempts (id, delivery_id, destination_id, n, at, url, request_headers, status_code,
                      duration_ms, response_headers, response_body)
SELECT gen_random_uuid(), d.id, $4::uuid, 1, d.created_at + interval '10 milliseconds', $7::text,
       '{"Content-Type":"application/json","X-GitHub-Event":"push"}'::jsonb, d.last_status_code,
       5 + (random() * 120)::int, '{"content-type":"text/plain"}'::jsonb, convert_to('ok', 'UTF8')
FROM d`;

/** The events table's keys and indexes (and the foreign keys pointing at it), from the catalog. */
async function eventsKeys(db) {
  const { rows: indexes } = await db.query(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename = 'events'
       AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'events'::regclass)`,
  );
  const { rows: constraints } = await db.query(
    `SELECT conname AS name, conrelid::regclass::text AS "table", contype AS type,
            pg_get_constraintdef(oid) AS def
     FROM pg_constraint
     WHERE (conrelid = 'events'::regclass AND contype IN ('p', 'f'))
        OR (confrelid = 'events'::regclass AND contype = 'f')`,
  );
  return {
    indexes,
    primary: constraints.filter((c) => c.type === 'p'),
    foreign: constraints.filter((c) => c.type === 'f'),
  };
}

/** Runs each [sql, params] in its own transaction, one connection per core. */
async function inParallel(db, statements) {
  const queue = [...statements];
  const lanes = Math.max(1, Math.min(availableParallelism(), 4));
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const client = await db.connect();
        try {
          await client.query('BEGIN');
          await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
          await client.query(next[0], next[1]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }
    }),
  );
}

/**
 * Adds events numbered `from`..`to` (inclusive). `db` is a pg Pool with one connection per
 * core; `destinationId` and `destinationUrl` name the destination the recent deliveries went to.
 */
export async function addEvents(db, { from, to, sourceIds, destinationId, destinationUrl }) {
  const keys = await eventsKeys(db);
  for (const fk of keys.foreign)
    await db.query(`ALTER TABLE ${fk.table} DROP CONSTRAINT "${fk.name}"`);
  for (const pk of keys.primary) await db.query(`ALTER TABLE events DROP CONSTRAINT "${pk.name}"`);
  for (const index of keys.indexes) await db.query(`DROP INDEX "${index.name}"`);

  const lanes = Math.max(1, Math.min(availableParallelism(), 4));
  const per = Math.ceil((to - from + 1) / lanes);
  const chunks = [];
  for (let lo = from; lo <= to; lo += per) {
    const params = [lo, Math.min(to, lo + per - 1), sourceIds, destinationId];
    chunks.push([INSERT, [...params, BODY_HEAD, BODY_MIDDLE, destinationUrl, from, to]]);
  }
  await inParallel(db, chunks);

  await inParallel(
    db,
    keys.primary.map((pk) => [`ALTER TABLE events ADD CONSTRAINT "${pk.name}" ${pk.def}`]),
  );
  await inParallel(
    db,
    keys.indexes.map((index) => [index.def]),
  );
  for (const fk of keys.foreign)
    await db.query(`ALTER TABLE ${fk.table} ADD CONSTRAINT "${fk.name}" ${fk.def}`);
  // What autovacuum does to a table after a bulk insert (it is off on some machines, CI's among
  // them): statistics, and the visibility map that lets index-only scans skip the heap.
  await db.query('VACUUM (ANALYZE) events, deliveries, attempts');
}
