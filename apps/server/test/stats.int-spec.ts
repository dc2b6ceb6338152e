import { randomUUID } from 'node:crypto';
import type { StatsBucket, StatsResponse } from '@hookyard/contracts';
import type { Client } from 'pg';
import { startServer, truncateAll, withDb, type TestServer } from './helpers';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => truncateAll());

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Start of the epoch-aligned bucket of `width` ms holding `t`: where the API puts t. */
const bucketOf = (t: Date, width: number) => new Date(Math.floor(t.getTime() / width) * width);
const ago = (ms: number) => new Date(Date.now() - ms);
const plus = (t: Date, ms: number) => new Date(t.getTime() + ms);

// ---------------------------------------------------------------- rows, written directly

async function insertSource(c: Client, name = 'github'): Promise<string> {
  const id = randomUUID();
  await c.query(
    `INSERT INTO sources (id, name, slug, verification, max_body_bytes, dedupe)
     VALUES ($1, $2, $3, '{"type":"none"}', 1048576, '{"type":"none"}')`,
    [id, name, `${name}-${id.slice(0, 8)}`],
  );
  return id;
}

async function insertDestination(
  c: Client,
  name: string,
  { deleted = false }: { deleted?: boolean } = {},
): Promise<string> {
  const id = randomUUID();
  await c.query(
    `INSERT INTO destinations (id, name, url, timeout_ms, retry, deleted_at)
     VALUES ($1, $2, 'http://127.0.0.1:9/hook', 10000, '{}', $3)`,
    [id, name, deleted ? new Date() : null],
  );
  return id;
}

async function insertEvent(
  c: Client,
  sourceId: string,
  at: Date,
  status: 'accepted' | 'rejected' = 'accepted',
): Promise<string> {
  const id = randomUUID();
  await c.query(
    `INSERT INTO events (id, source_id, received_at, method, path, query, headers, body, size, status)
     VALUES ($1, $2, $3, 'POST', '/', '', '[]', '\\x7b7d', 2, $4)`,
    [id, sourceId, at, status],
  );
  return id;
}

interface AttemptSpec {
  at: Date;
  /** Null: no answer (see `error`). */
  status: number | null;
  ms?: number;
  error?: string;
}

/** One delivery of the event to the destination, with its attempts numbered in order. */
async function insertDelivery(
  c: Client,
  eventId: string,
  destinationId: string,
  attempts: AttemptSpec[],
): Promise<void> {
  const deliveryId = randomUUID();
  await c.query(
    `INSERT INTO deliveries (id, event_id, destination_id, status) VALUES ($1, $2, $3, 'failed')`,
    [deliveryId, eventId, destinationId],
  );
  for (const [i, a] of attempts.entries()) {
    await c.query(
      `INSERT INTO attempts (id, delivery_id, n, at, url, request_headers, status_code, duration_ms, error,
                             destination_id)
       VALUES ($1, $2, $3, $4, 'http://127.0.0.1:9/hook', '{}', $5, $6, $7, $8)`,
      [
        randomUUID(),
        deliveryId,
        i + 1,
        a.at,
        a.status,
        a.ms ?? 100,
        a.error ?? null,
        destinationId,
      ],
    );
  }
}

// ---------------------------------------------------------------- reading the API

async function stats(query = ''): Promise<StatsResponse> {
  const res = await server.api(`/api/v1/stats${query}`);
  const text = await res.text();
  expect({ status: res.status, text }).toEqual({ status: 200, text: expect.any(String) });
  return JSON.parse(text) as StatsResponse;
}

const ZERO = { accepted: 0, rejected: 0, succeeded: 0, failed: 0 };

/** The buckets with anything in them, by start time. */
function nonZero(body: StatsResponse): Record<string, Omit<StatsBucket, 'at'>> {
  return Object.fromEntries(
    body.buckets
      .filter((b) => b.accepted + b.rejected + b.succeeded + b.failed > 0)
      .map(({ at, ...counts }) => [at, counts]),
  );
}

/** Consecutive, evenly spaced buckets from `since` through the one holding `until`. */
function expectContiguous(body: StatsResponse, count: number): void {
  const width = body.bucketSeconds * 1000;
  expect(body.buckets).toHaveLength(count);
  expect(body.buckets[0].at).toBe(body.since);
  body.buckets.forEach((b, i) =>
    expect(b.at).toBe(new Date(Date.parse(body.since) + i * width).toISOString()),
  );
  expect(body.buckets.at(-1)?.at).toBe(bucketOf(new Date(body.until), width).toISOString());
}

describe('GET /api/v1/stats', () => {
  it('answers zero-filled buckets, zero totals and no rates when nothing happened', async () => {
    const body = await stats();

    expect(body).toMatchObject({
      range: '24h',
      bucketSeconds: 3600,
      totals: { events: 0, accepted: 0, rejected: 0, attempts: 0, succeeded: 0, failed: 0 },
      successRate: null,
      latency: { p50Ms: null, p95Ms: null },
      topFailingDestinations: [],
    });
    // The window starts at the hour holding `until − 24 h`: 24 whole hours and the current one.
    expect(body.since).toBe(bucketOf(plus(new Date(body.until), -DAY), HOUR).toISOString());
    expectContiguous(body, 25);
    expect(nonZero(body)).toEqual({});
  });

  it.each([
    ['1h', 300, 13],
    ['7d', 6 * 3600, 29],
    ['30d', 86400, 31],
  ] as const)('cuts the %s range into %i-second buckets (%i of them)', async (range, w, n) => {
    const body = await stats(`?range=${range}`);
    expect(body.range).toBe(range);
    expect(body.bucketSeconds).toBe(w);
    expectContiguous(body, n);
  });

  it('counts events by status and attempts by outcome in the bucket each falls in', async () => {
    // Well inside the 24 h window whatever the time: the hour starting 5–6 h ago, and 2 h before it.
    const hour = bucketOf(ago(5 * HOUR), HOUR);
    const earlier = plus(hour, -2 * HOUR);
    // Outside the 24 h window, inside the 7 d one.
    const twoDaysAgo = ago(2 * DAY);
    await withDb(async (c) => {
      const sourceId = await insertSource(c);
      const destinationId = await insertDestination(c, 'api');
      const first = await insertEvent(c, sourceId, plus(hour, 10 * MINUTE));
      await insertEvent(c, sourceId, plus(hour, 20 * MINUTE));
      await insertEvent(c, sourceId, plus(hour, 59 * MINUTE), 'rejected');
      const second = await insertEvent(c, sourceId, plus(earlier, 5 * MINUTE));
      const old = await insertEvent(c, sourceId, twoDaysAgo);
      await insertDelivery(c, first, destinationId, [
        { at: plus(hour, 15 * MINUTE), status: 500 },
        { at: plus(hour, 25 * MINUTE), status: 204 },
      ]);
      await insertDelivery(c, second, destinationId, [
        { at: plus(earlier, 6 * MINUTE), status: null, error: 'Timed out after 10000 ms' },
        // A 3xx is not a success: only 2xx is.
        { at: plus(earlier, 7 * MINUTE), status: 302 },
      ]);
      await insertDelivery(c, old, destinationId, [{ at: twoDaysAgo, status: 200 }]);
    });

    const day = await stats('?range=24h');

    expect(day.totals).toEqual({
      events: 4,
      accepted: 3,
      rejected: 1,
      attempts: 4,
      succeeded: 1,
      failed: 3,
    });
    expect(day.successRate).toBe(0.25);
    expect(nonZero(day)).toEqual({
      [hour.toISOString()]: { accepted: 2, rejected: 1, succeeded: 1, failed: 1 },
      [earlier.toISOString()]: { accepted: 1, rejected: 0, succeeded: 0, failed: 2 },
    });
    expectContiguous(day, 25);

    const week = await stats('?range=7d');

    expect(week.totals).toMatchObject({ events: 5, accepted: 4, attempts: 5, succeeded: 2 });
    expect(week.successRate).toBe(0.4);
    const sixHours = 6 * HOUR;
    const expected: Record<string, typeof ZERO> = {};
    const add = (t: Date, counts: Partial<typeof ZERO>) => {
      const key = bucketOf(t, sixHours).toISOString();
      const sum = { ...ZERO, ...expected[key] };
      for (const [k, v] of Object.entries(counts)) sum[k as keyof typeof ZERO] += v;
      expected[key] = sum;
    };
    add(plus(hour, 10 * MINUTE), { accepted: 2, rejected: 1, succeeded: 1, failed: 1 });
    add(plus(earlier, 5 * MINUTE), { accepted: 1, failed: 2 });
    add(twoDaysAgo, { accepted: 1, succeeded: 1 });
    expect(nonZero(week)).toEqual(expected);
  });

  it('reports the interpolated median and 95th percentile of attempt durations in the window', async () => {
    await withDb(async (c) => {
      const sourceId = await insertSource(c);
      const destinationId = await insertDestination(c, 'api');
      const eventId = await insertEvent(c, sourceId, ago(3 * HOUR));
      // 10, 20, … 110 ms in a shuffled order; p50 = 60, p95 = 100 + 0.5 × (110 − 100).
      const durations = [70, 10, 110, 40, 90, 20, 60, 100, 30, 80, 50];
      await insertDelivery(
        c,
        eventId,
        destinationId,
        durations.map((ms, i) => ({ at: ago(3 * HOUR - i * MINUTE), status: 200, ms })),
      );
      // Out of the window: would pull both up if counted.
      const old = await insertEvent(c, sourceId, ago(3 * DAY));
      await insertDelivery(c, old, destinationId, [{ at: ago(3 * DAY), status: 200, ms: 90000 }]);
    });

    const body = await stats();

    expect(body.latency).toEqual({ p50Ms: 60, p95Ms: 105 });
    expect(body.totals.attempts).toBe(11);
    expect(body.successRate).toBe(1);
  });

  it('ranks the five live destinations with the most failed attempts, each with its latest error', async () => {
    const base = ago(2 * HOUR);
    const t = (minutesBefore: number) => plus(base, -minutesBefore * MINUTE);
    const ids: Record<string, string> = {};
    await withDb(async (c) => {
      const sourceId = await insertSource(c);
      const deliver = async (name: string, attempts: AttemptSpec[], deleted = false) => {
        ids[name] = await insertDestination(c, name, { deleted });
        await insertDelivery(c, await insertEvent(c, sourceId, t(60)), ids[name], attempts);
      };
      // 2 failed of 3: ahead of beta, which also failed twice but of 4.
      await deliver('alpha', [
        { at: t(50), status: 500 },
        { at: t(40), status: 200 },
        { at: t(30), status: null, error: 'Connection refused' },
      ]);
      await deliver('beta', [
        { at: t(50), status: 503 },
        { at: t(40), status: 502 },
        { at: t(30), status: 200 },
        { at: t(20), status: 200 },
      ]);
      // 1 of 1: first of those with one failure.
      await deliver('gamma', [{ at: t(50), status: 404 }]);
      // 1 of 2 each: by name, and the last one does not fit in five.
      await deliver('delta', [
        { at: t(50), status: 200 },
        { at: t(40), status: 429 },
      ]);
      await deliver('epsilon', [
        { at: t(50), status: 410 },
        { at: t(40), status: 200 },
      ]);
      await deliver('zeta', [
        { at: t(50), status: 500 },
        { at: t(40), status: 200 },
      ]);
      // Never failed; and a deleted destination that failed most.
      await deliver('healthy', [{ at: t(50), status: 200 }]);
      await deliver(
        'deleted',
        [1, 2, 3, 4, 5].map((i) => ({ at: t(i), status: 500 })),
        true,
      );
      // A failure outside the window does not count.
      const old = await insertEvent(c, sourceId, ago(2 * DAY));
      await insertDelivery(c, old, ids.gamma, [{ at: ago(2 * DAY), status: 500 }]);
    });

    const body = await stats();

    expect(body.topFailingDestinations).toEqual([
      {
        id: ids.alpha,
        name: 'alpha',
        failedAttempts: 2,
        attempts: 3,
        failureRate: 2 / 3,
        lastError: 'Connection refused',
        lastFailedAt: t(30).toISOString(),
      },
      {
        id: ids.beta,
        name: 'beta',
        failedAttempts: 2,
        attempts: 4,
        failureRate: 0.5,
        lastError: 'HTTP 502',
        lastFailedAt: t(40).toISOString(),
      },
      expect.objectContaining({ name: 'gamma', failedAttempts: 1, attempts: 1, failureRate: 1 }),
      expect.objectContaining({ name: 'delta', lastError: 'HTTP 429', failureRate: 0.5 }),
      expect.objectContaining({ name: 'epsilon', lastError: 'HTTP 410', failureRate: 0.5 }),
    ]);
  });

  it('narrows everything to one source or one destination', async () => {
    const hour = bucketOf(ago(4 * HOUR), HOUR);
    const ids: Record<string, string> = {};
    await withDb(async (c) => {
      ids.github = await insertSource(c, 'github');
      ids.stripe = await insertSource(c, 'stripe');
      ids.api = await insertDestination(c, 'api');
      ids.slack = await insertDestination(c, 'slack');
      const fromGithub = await insertEvent(c, ids.github, plus(hour, MINUTE));
      const fromStripe = await insertEvent(c, ids.stripe, plus(hour, 2 * MINUTE));
      await insertEvent(c, ids.stripe, plus(hour, 3 * MINUTE), 'rejected');
      await insertDelivery(c, fromGithub, ids.api, [{ at: plus(hour, 4 * MINUTE), status: 500 }]);
      await insertDelivery(c, fromStripe, ids.api, [
        { at: plus(hour, 5 * MINUTE), status: 200, ms: 10 },
      ]);
      await insertDelivery(c, fromStripe, ids.slack, [
        { at: plus(hour, 6 * MINUTE), status: 200, ms: 30 },
      ]);
    });

    const stripe = await stats(`?sourceId=${ids.stripe}`);
    expect(stripe.totals).toEqual({
      events: 2,
      accepted: 1,
      rejected: 1,
      attempts: 2,
      succeeded: 2,
      failed: 0,
    });
    expect(stripe.latency).toEqual({ p50Ms: 20, p95Ms: 29 });
    expect(stripe.topFailingDestinations).toEqual([]);

    // Events delivered to the destination, and the attempts to it.
    const api = await stats(`?destinationId=${ids.api}`);
    expect(api.totals).toEqual({
      events: 2,
      accepted: 2,
      rejected: 0,
      attempts: 2,
      succeeded: 1,
      failed: 1,
    });
    expect(api.topFailingDestinations.map((d) => d.name)).toEqual(['api']);
    expect(nonZero(api)).toEqual({
      [hour.toISOString()]: { accepted: 2, rejected: 0, succeeded: 1, failed: 1 },
    });

    const both = await stats(`?sourceId=${ids.github}&destinationId=${ids.slack}`);
    expect(both.totals).toMatchObject({ events: 0, attempts: 0 });
  });

  it.each([
    ['an unknown range', '?range=2h', 'range'],
    ['an empty range', '?range=', 'range'],
    ['a source id that is no UUID', '?sourceId=github', 'sourceId: must be a UUID'],
    ['an unknown field', '?window=24h', 'unknown field "window"'],
  ])('answers 400 naming the field for %s', async (_what, query, fragment) => {
    const res = await server.api(`/api/v1/stats${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { message: string };
    expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    expect(body.message).toContain(fragment);
  });

  it('answers 401 without the admin token', async () => {
    const res = await fetch(`${server.url}/api/v1/stats`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.any(String),
    });
  });
});
