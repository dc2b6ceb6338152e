import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { EventResponse } from '@hookyard/contracts';
import { ADMIN_TOKEN, testDatabaseUrl, truncateAll, withDb } from './helpers';
import { eventually, Target, type Responder } from './target';

/**
 * Forwarding's promise under faults, with real processes: the built server
 * (`nx build server` runs before these tests), a worker killed mid-request,
 * Redis losing every key, a backlog built while no worker runs.
 */
const MAIN = join(__dirname, '../../../dist/apps/server/main.js');
const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUEUE = 'deliveries';

// Everything a test starts, so that afterEach can stop it even when the test fails.
const children: { name: string; child: ChildProcess }[] = [];
const targets: Target[] = [];
const clients: Redis[] = [];
const prefixes: string[] = [];

let prefixCounter = 0;
/** One Bull queue / stream / rate-limit namespace per test: nothing else in the run touches it. */
function newPrefix(): string {
  const prefix = `hyfault-${process.pid}-${Date.now().toString(36)}-${++prefixCounter}`;
  prefixes.push(prefix);
  return prefix;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

async function sigkill(child: ChildProcess): Promise<void> {
  if (!alive(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
  clearTimeout(timer);
}

/** Last resort if jest goes away without running afterAll: no orphan servers. */
function killAllSync(): void {
  for (const { child } of children) if (alive(child)) child.kill('SIGKILL');
}

interface Hookyard {
  name: string;
  child: ChildProcess;
  url: string;
  /** stdout + stderr, line by line (HOOKYARD_LOG_LEVEL=warn: warnings and errors only). */
  log: string[];
  api: (path: string, init?: { method?: string; json?: unknown }) => Promise<Response>;
}

/** Spawns `node dist/apps/server/main.js` with a role and waits until it listens. */
async function startHookyard(
  name: string,
  role: 'api' | 'worker' | 'all',
  options: { prefix: string; redisUrl?: string },
): Promise<Hookyard> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_POOL_SIZE: '10',
      REDIS_URL: options.redisUrl ?? SHARED_REDIS_URL,
      HOOKYARD_REDIS_PREFIX: options.prefix,
      HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN,
      HOOKYARD_ROLE: role,
      HOOKYARD_HOST: '127.0.0.1',
      PORT: String(port),
      HOOKYARD_SWEEP_INTERVAL_MS: '300',
      HOOKYARD_ALLOW_PRIVATE_DESTINATIONS: 'true',
      HOOKYARD_LOG_LEVEL: 'warn',
      HOOKYARD_MIGRATE_ON_START: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push({ name, child });
  const log: string[] = [];
  let ready!: () => void;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        if (line.includes('Hookyard is running')) ready();
      }
    });
  };
  collect(child.stdout as NodeJS.ReadableStream);
  collect(child.stderr as NodeJS.ReadableStream);
  const exited = new Promise<never>((_resolve, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${log.join('\n')}`)),
    ),
  );
  exited.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name} did not listen within 20 s:\n${log.join('\n')}`)),
      20_000,
    );
  });
  try {
    await Promise.race([listening, exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
  const url = `http://127.0.0.1:${port}`;
  const api: Hookyard['api'] = (path, init = {}) =>
    fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(init.json !== undefined && { 'content-type': 'application/json' }),
      },
      ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
    });
  console.log(`[${name}] ${role} pid ${child.pid} listening on ${url}`);
  return { name, child, url, log, api };
}

/** A Redis server of this test's own: FLUSHALL on the shared one would wipe other runs' queues. */
async function startPrivateRedis(): Promise<string> {
  const port = await freePort();
  const child = spawn(
    process.env.TEST_REDIS_SERVER ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push({ name: 'redis', child });
  const url = `redis://127.0.0.1:${port}`;
  const failed = new Promise<never>((_resolve, reject) => {
    child.once('error', (error) =>
      reject(new Error(`cannot start redis-server: ${error.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
  });
  failed.catch(() => undefined);
  const probe = redisClient(url);
  await Promise.race([
    failed,
    eventually(
      async () => (await probe.ping().catch(() => '')) === 'PONG',
      10_000,
      'redis-server to answer',
    ),
  ]);
  console.log(`[redis] private redis-server pid ${child.pid} on ${url}`);
  return url;
}

function redisClient(url = SHARED_REDIS_URL): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

async function startTarget(responder?: Responder): Promise<Target> {
  const target = await Target.start(responder);
  targets.push(target);
  return target;
}

async function call<T>(server: Hookyard, method: string, path: string, json?: unknown) {
  const res = await server.api(path, { method, json });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A source connected to one destination that points at `url`. */
async function route(server: Hookyard, url: string, timeoutMs: number) {
  const slug = `f${Math.random().toString(36).slice(2, 10)}`;
  const source = await call<{ id: string }>(server, 'POST', '/api/v1/sources', {
    name: 'Faults',
    slug,
  });
  const destination = await call<{ id: string }>(server, 'POST', '/api/v1/destinations', {
    name: 'Faults target',
    url,
    timeoutMs,
    retry: { maxAttempts: 5, initialDelayMs: 500, maxDelayMs: 5000 },
  });
  await call(server, 'POST', '/api/v1/connections', {
    sourceId: source.id,
    destinationId: destination.id,
  });
  return { slug, destinationId: destination.id };
}

async function ingest(server: Hookyard, slug: string, body: string): Promise<string> {
  const res = await fetch(`${server.url}/in/${slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  if (res.status !== 202) throw new Error(`ingest: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Runs `fn` over `items` with at most `limit` in flight; all results, in order. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(lanes);
  return results;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const header = (value: string | string[] | undefined) => [value].flat()[0] ?? '';

/** Delivery id → how many requests carrying it the target received. */
function arrivalsByDelivery(target: Target): Map<string, number> {
  const seen = new Map<string, number>();
  for (const r of target.received) {
    const id = header(r.headers['x-hookyard-delivery-id']);
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return seen;
}

async function dbCount(sql: string, args: unknown[] = []): Promise<number> {
  return withDb(async (c) => Number((await c.query<{ n: string }>(sql, args)).rows[0].n));
}

async function duplicateAttempts(): Promise<number> {
  return dbCount(
    `SELECT count(*) AS n FROM (SELECT 1 FROM attempts GROUP BY delivery_id, n HAVING count(*) > 1) x`,
  );
}

const heldIdOf = (target: Target) => header(target.received[0]?.headers['x-hookyard-delivery-id']);

/** What PostgreSQL and Bull hold for one delivery: printed when a test times out. */
async function diagnose(prefix: string, deliveryId: string, redisUrl?: string): Promise<void> {
  const row = await withDb(
    async (c) =>
      (
        await c.query(
          `SELECT status, attempt_count, next_attempt_at, lease_until, now() AS db_now FROM deliveries WHERE id = $1`,
          [deliveryId],
        )
      ).rows[0] as unknown,
  );
  const redis = redisClient(redisUrl);
  const states: Record<string, unknown> = {};
  for (const state of ['wait', 'active', 'delayed', 'stalled', 'completed', 'failed'])
    states[state] = await redis
      .type(`${prefix}:${QUEUE}:${state}`)
      .then(async (type) =>
        type === 'list'
          ? redis.lrange(`${prefix}:${QUEUE}:${state}`, 0, -1)
          : type === 'zset'
            ? redis.zrange(`${prefix}:${QUEUE}:${state}`, 0, -1)
            : type === 'set'
              ? redis.smembers(`${prefix}:${QUEUE}:${state}`)
              : [],
      );
  const lock = await redis.get(`${prefix}:${QUEUE}:${deliveryId}:1:lock`);
  console.log('diagnosis:', { delivery: row, bull: states, jobLock: lock });
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npx nx build server" first`);
  process.once('exit', killAllSync);
});

beforeEach(() => truncateAll());

afterEach(async () => {
  for (const { name, child } of children.splice(0)) {
    const wasAlive = alive(child);
    await sigkill(child);
    if (wasAlive) console.log(`[cleanup] SIGKILLed ${name} (pid ${child.pid})`);
  }
  await Promise.all(targets.splice(0).map((t) => t.close()));
  // This test's keys on the shared Redis.
  const used = prefixes.splice(0);
  if (used.length > 0) {
    const redis = redisClient();
    for (const prefix of used) {
      const keys = await redis.keys(`${prefix}*`).catch(() => [] as string[]);
      if (keys.length > 0) await redis.del(...keys).catch(() => undefined);
    }
  }
  for (const client of clients.splice(0)) client.disconnect();
});

afterAll(() => {
  killAllSync();
  process.removeListener('exit', killAllSync);
});

describe('forwarding under faults', () => {
  it('hands a delivery on to another worker when its worker is SIGKILLed mid-request', async () => {
    const prefix = newPrefix();
    let requests = 0;
    const held: ServerResponse[] = [];
    // The first request is held open and never answered; later ones get 200.
    const target = await startTarget((_req, res) => {
      if (++requests === 1) held.push(res);
      else res.writeHead(200).end('ok');
    });
    const api = await startHookyard('api', 'api', { prefix });
    const worker1 = await startHookyard('worker-1', 'worker', { prefix });
    const { slug } = await route(api, target.url(), 2000);

    const eventId = await ingest(api, slug, '{"fault":"sigkill"}');
    console.log(`sent: 1 event ${eventId} (destination timeoutMs 2000, lease 12 s)`);
    await eventually(() => target.received.length >= 1, 15_000, 'the first request');
    const killedAt = Date.now();
    await sigkill(worker1.child);
    console.log(`worker-1 SIGKILLed while holding delivery ${heldIdOf(target)}`);
    const heldId = heldIdOf(target);
    const worker2 = await startHookyard('worker-2', 'worker', { prefix });

    const event = await eventually(
      async () => {
        const e = await call<EventResponse>(api, 'GET', `/api/v1/events/${eventId}`);
        return e.deliveries[0]?.status === 'succeeded' && e;
      },
      30_000,
      'the delivery to succeed through worker-2 (lease 12 s)',
    ).catch(async (error: Error) => {
      console.log(`worker-2 log:\n${worker2.log.slice(-30).join('\n')}`);
      await diagnose(prefix, heldId);
      throw error;
    });
    const deliveryId = event.deliveries[0].id;
    console.log(`succeeded ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
    // Anything duplicated would arrive within a few sweeps.
    await sleep(1500);

    console.log(
      'arrived:',
      target.received.map((r) => ({
        at: new Date(r.at).toISOString(),
        deliveryId: header(r.headers['x-hookyard-delivery-id']),
        attempt: header(r.headers['x-hookyard-attempt']),
      })),
    );
    expect(target.received).toHaveLength(2);
    for (const r of target.received) {
      expect(header(r.headers['x-hookyard-delivery-id'])).toBe(deliveryId);
      expect(header(r.headers['x-hookyard-attempt'])).toBe('1');
    }
    const rows = await withDb(
      async (c) =>
        (
          await c.query<{ n: number; statusCode: number | null }>(
            `SELECT n, status_code AS "statusCode" FROM attempts WHERE delivery_id = $1 ORDER BY n`,
            [deliveryId],
          )
        ).rows,
    );
    console.log('attempts recorded:', rows);
    expect(rows).toEqual([{ n: 1, statusCode: 200 }]);
    expect(event.deliveries[0].attempts).toBe(1);
  }, 60_000);

  it('delivers everything that was queued when Redis lost all its data (FLUSHALL)', async () => {
    const prefix = newPrefix();
    const redisUrl = await startPrivateRedis();
    const redis = redisClient(redisUrl);
    const target = await startTarget();
    const api = await startHookyard('api', 'api', { prefix, redisUrl });
    const { slug } = await route(api, target.url(), 5000);

    const eventIds = await pool(
      Array.from({ length: 50 }, (_v, i) => i),
      10,
      (i) => ingest(api, slug, JSON.stringify({ fault: 'flushall', i })),
    );
    // Attempts in jobs of their own, and in batch jobs (attempts queued together).
    const queued =
      (await redis.keys(`${prefix}:${QUEUE}:*:1`)).length +
      (await redis.hlen(`${prefix}:${QUEUE}:batched`));
    const waiting = await redis.llen(`${prefix}:${QUEUE}:wait`);
    console.log(
      `sent: ${eventIds.length} events; attempts queued in Redis: ${queued}, jobs waiting: ${waiting}`,
    );
    expect(queued).toBe(50);

    expect(await redis.flushall()).toBe('OK');
    const left = await redis.keys(`${prefix}*`);
    console.log(`FLUSHALL done; keys left under ${prefix}: ${left.length}`);
    expect(left).toEqual([]);
    expect(await dbCount(`SELECT count(*) AS n FROM deliveries WHERE status = 'scheduled'`)).toBe(
      50,
    );

    const startedAt = Date.now();
    await startHookyard('worker', 'worker', { prefix, redisUrl });
    await eventually(
      async () =>
        (await dbCount(`SELECT count(*) AS n FROM deliveries WHERE status = 'succeeded'`)) === 50,
      30_000,
      '50 deliveries to succeed',
    );
    console.log(`all 50 succeeded ${Date.now() - startedAt} ms after the worker started`);
    await sleep(1500);

    const arrivals = arrivalsByDelivery(target);
    console.log(
      `arrived: ${target.received.length} requests, ${arrivals.size} distinct delivery ids`,
    );
    const deliveryIds = await withDb(
      async (c) => (await c.query<{ id: string }>(`SELECT id FROM deliveries`)).rows,
    );
    expect(target.received).toHaveLength(50);
    expect([...arrivals.keys()].sort()).toEqual(deliveryIds.map((d) => d.id).sort());
    expect([...arrivals.values()].every((count) => count === 1)).toBe(true);
    expect(await dbCount(`SELECT count(*) AS n FROM attempts`)).toBe(50);
    expect(await duplicateAttempts()).toBe(0);
  }, 60_000);

  it('drains 1,000 events ingested while no worker ran, each delivered exactly once', async () => {
    const prefix = newPrefix();
    const target = await startTarget();
    const api = await startHookyard('api', 'api', { prefix });
    const { slug } = await route(api, target.url(), 5000);

    const ingestStart = Date.now();
    const eventIds = await pool(
      Array.from({ length: 1000 }, (_v, i) => i),
      50,
      (i) => ingest(api, slug, JSON.stringify({ fault: 'backlog', i })),
    );
    console.log(
      `sent: ${eventIds.length} events, all 202, in ${Date.now() - ingestStart} ms (50 at a time)`,
    );
    expect(new Set(eventIds).size).toBe(1000);
    expect(await dbCount(`SELECT count(*) AS n FROM deliveries WHERE status = 'scheduled'`)).toBe(
      1000,
    );
    expect(target.received).toHaveLength(0);

    const startedAt = Date.now();
    await startHookyard('worker', 'worker', { prefix });
    let last = 0;
    await eventually(
      async () =>
        (last = await dbCount(
          `SELECT count(*) AS n FROM deliveries WHERE status = 'succeeded'`,
        )) === 1000,
      45_000,
      '1,000 deliveries to succeed',
    ).catch((error: Error) => {
      console.log(`only ${last} succeeded`);
      throw error;
    });
    const drainMs = Date.now() - startedAt;
    console.log(
      `drained 1,000 deliveries in ${drainMs} ms from the worker's start (${Math.round(1_000_000 / drainMs)}/s)`,
    );
    await sleep(1500);

    const arrivals = arrivalsByDelivery(target);
    console.log(
      `arrived: ${target.received.length} requests, ${arrivals.size} distinct delivery ids`,
    );
    expect(target.received).toHaveLength(1000);
    expect(arrivals.size).toBe(1000);
    expect([...arrivals.values()].every((count) => count === 1)).toBe(true);
    expect(await dbCount(`SELECT count(*) AS n FROM attempts`)).toBe(1000);
    expect(await dbCount(`SELECT count(*) AS n FROM attempts WHERE n <> 1`)).toBe(0);
    expect(await duplicateAttempts()).toBe(0);
  }, 90_000);
});
