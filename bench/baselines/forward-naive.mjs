// Baseline "naive" for forwarding: the least a durable forwarder can do, next to forward.mjs,
// which stores nothing. Tables shaped like Hookyard's `events`, `deliveries` and `attempts`
// (same columns, constraints and indexes: apps/server/src/database/migrations). Per delivery:
// one statement claims the oldest due delivery (FOR UPDATE SKIP LOCKED) with its event, undici
// sends it (sender.mjs, as forward.mjs does), one statement records the attempt and the
// delivery's new state. Concurrency as forward.mjs's, pool of 10 (Hookyard's default).
//   DATABASE_URL=postgres://… COUNT=10000 node bench/baselines/forward-naive.mjs seed
//   DATABASE_URL=postgres://… TARGET_URL=http://127.0.0.1:9000/hook CONCURRENCY=50 node bench/baselines/forward-naive.mjs
// `seed` creates the tables and COUNT due deliveries; without it, the deliveries are sent until
// none is due, and one JSON line is printed: { count, failed, ms, perSecond, cpuSeconds,
// postgresCpuSeconds } (PostgreSQL's processes over the drain, read before the pool's backends exit).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { cpuSpent, cpuTimes } from '../lib/processes.mjs';
import { BODY, webhookHeaders } from '../lib/webhook.mjs';
import { send, senderAgent } from './sender.mjs';
import { SCHEMA, SOURCE_ID } from './shared.mjs';

const DESTINATION_ID = '00000000-0000-4000-8000-000000000002';

const FORWARD_SCHEMA = `
  ${SCHEMA}
  CREATE TABLE IF NOT EXISTS destinations (id uuid PRIMARY KEY, timeout_ms integer NOT NULL);
  INSERT INTO destinations (id, timeout_ms) VALUES ('${DESTINATION_ID}', 30000) ON CONFLICT DO NOTHING;
  CREATE TABLE IF NOT EXISTS deliveries (
    id uuid PRIMARY KEY,
    event_id uuid NOT NULL REFERENCES events (id),
    destination_id uuid REFERENCES destinations (id),
    url text,
    status text NOT NULL CHECK (status IN ('scheduled', 'delivering', 'succeeded', 'failed', 'dead', 'cancelled')),
    attempt_count integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_status_code integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    lease_until timestamptz,
    last_error text,
    override_headers jsonb,
    override_body bytea,
    CHECK (destination_id IS NOT NULL OR url IS NOT NULL)
  );
  CREATE INDEX IF NOT EXISTS deliveries_destination_created_idx ON deliveries (destination_id, created_at DESC, id DESC);
  CREATE INDEX IF NOT EXISTS deliveries_destination_due_idx ON deliveries (destination_id, next_attempt_at)
    WHERE status IN ('scheduled', 'failed', 'delivering');
  CREATE INDEX IF NOT EXISTS deliveries_due_idx ON deliveries (next_attempt_at) WHERE status IN ('scheduled', 'failed');
  CREATE INDEX IF NOT EXISTS deliveries_event_idx ON deliveries (event_id);
  CREATE INDEX IF NOT EXISTS deliveries_lease_idx ON deliveries (lease_until) WHERE status = 'delivering';
  CREATE INDEX IF NOT EXISTS deliveries_status_created_idx ON deliveries (status, created_at DESC, id DESC);
  CREATE TABLE IF NOT EXISTS attempts (
    id uuid PRIMARY KEY,
    delivery_id uuid NOT NULL REFERENCES deliveries (id),
    n integer NOT NULL,
    at timestamptz NOT NULL,
    url text NOT NULL,
    request_headers jsonb NOT NULL,
    status_code integer,
    duration_ms integer NOT NULL,
    error text,
    response_headers jsonb,
    response_body bytea,
    error_kind text,
    response_body_truncated boolean NOT NULL DEFAULT false,
    destination_id uuid
  );
  CREATE INDEX IF NOT EXISTS attempts_at_idx ON attempts (at) INCLUDE (status_code, duration_ms, delivery_id, destination_id);
  CREATE UNIQUE INDEX IF NOT EXISTS attempts_delivery_n_key ON attempts (delivery_id, n);
`;

/** COUNT events as ingest stores them (the provider's header pairs, the body), each due to the destination. */
const SEED = `
  WITH g AS (SELECT gen_random_uuid()::text AS delivery FROM generate_series(1, $1::integer)),
  e AS (
    INSERT INTO events (id, source_id, received_at, method, path, query, headers, body, content_type, size, status, dedupe_key)
    SELECT gen_random_uuid(), '${SOURCE_ID}', now(), 'POST', '/in/linked', '',
           $2::jsonb || jsonb_build_array(jsonb_build_array('x-github-delivery', g.delivery)), $3::bytea,
           'application/json', length($3::bytea), 'accepted', g.delivery
    FROM g
    RETURNING id
  )
  INSERT INTO deliveries (id, event_id, destination_id, status, next_attempt_at)
  SELECT gen_random_uuid(), e.id, '${DESTINATION_ID}', 'scheduled', now() FROM e`;

/** Takes the oldest due delivery, leased for the destination's timeout plus 10 s, with its event. */
const CLAIM = `
  WITH d AS (
    UPDATE deliveries d SET status = 'delivering', updated_at = now(),
      lease_until = now() + make_interval(secs => (t.timeout_ms + 10000) / 1000.0)
    FROM destinations t
    WHERE t.id = d.destination_id AND d.id = (
      SELECT id FROM deliveries WHERE status IN ('scheduled', 'failed') AND next_attempt_at <= now()
      ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING d.id, d.event_id, d.destination_id, d.attempt_count
  )
  SELECT d.*, e.method, e.headers, e.body FROM d JOIN events e ON e.id = d.event_id`;

/** The attempt and the delivery's new state: succeeded on a 2xx, else due again in 10 s. */
const RECORD = `
  WITH a AS (
    INSERT INTO attempts (id, delivery_id, destination_id, n, at, url, request_headers, status_code,
                          duration_ms, response_headers, response_body)
    VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT (delivery_id, n) DO NOTHING
    RETURNING delivery_id
  )
  UPDATE deliveries SET status = $11, attempt_count = $3, last_status_code = $7, lease_until = NULL,
    next_attempt_at = CASE WHEN $11 = 'failed' THEN now() + interval '10 seconds' END, updated_at = now()
  WHERE id IN (SELECT delivery_id FROM a)`;

/** Not forwarded, as Hookyard drops them: hop-by-hop, and what the client sets itself. */
const DROPPED = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

const { DATABASE_URL, TARGET_URL, COUNT = '10000', CONCURRENCY = '50' } = process.env;
if (!DATABASE_URL || (process.argv[2] !== 'seed' && !TARGET_URL)) {
  console.error('Set DATABASE_URL (and TARGET_URL to send, COUNT to seed)');
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });

if (process.argv[2] === 'seed') {
  await pool.query(FORWARD_SCHEMA);
  const headers = Object.entries({ ...webhookHeaders(), host: '127.0.0.1' });
  await pool.query(SEED, [Number(COUNT), JSON.stringify(headers), BODY]);
  await pool.query('VACUUM ANALYZE events, deliveries, attempts');
  await pool.end();
  process.exit(0);
}

const agent = senderAgent();

let sent = 0;
let failed = 0;

/** Claims, sends and records one delivery; false once none is due. */
async function forwardOne() {
  const { rows } = await pool.query(CLAIM);
  if (rows.length === 0) return false;
  const d = rows[0];
  const n = d.attempt_count + 1;
  const headers = {};
  for (const [name, value] of d.headers)
    if (!DROPPED.has(name.toLowerCase())) headers[name] = value;
  headers['X-Hookyard-Event-Id'] = d.event_id;
  headers['X-Hookyard-Delivery-Id'] = d.id;
  headers['X-Hookyard-Attempt'] = String(n);
  const at = new Date();
  const started = performance.now();
  let statusCode = null;
  let responseHeaders = null;
  let responseBody = null;
  try {
    const response = await send(agent, TARGET_URL, { method: d.method, headers, body: d.body });
    statusCode = response.statusCode;
    responseHeaders = response.headers;
    responseBody = Buffer.from(await response.body.arrayBuffer());
  } catch {
    // a network error: recorded as an attempt without a status
  }
  const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
  if (!ok) failed += 1;
  sent += 1;
  await pool.query(RECORD, [
    d.id,
    d.destination_id,
    n,
    at,
    TARGET_URL,
    JSON.stringify(headers),
    statusCode,
    Math.round(performance.now() - started),
    responseHeaders && JSON.stringify(responseHeaders),
    responseBody,
    ok ? 'succeeded' : 'failed',
  ]);
  return true;
}

async function worker() {
  while (await forwardOne());
}

const postgres = () => cpuTimes({ names: ['postgres'] });
const postgresBefore = postgres();
const started = performance.now();
await Promise.all(Array.from({ length: Number(CONCURRENCY) }, worker));
const ms = performance.now() - started;
const postgresCpuSeconds = cpuSpent(postgresBefore, postgres())?.postgres ?? null;
await agent.close();
await pool.end();
const { user, system } = process.cpuUsage();
console.log(
  JSON.stringify({
    count: sent,
    failed,
    ms,
    perSecond: (sent / ms) * 1000,
    cpuSeconds: (user + system) / 1e6,
    postgresCpuSeconds,
  }),
);
