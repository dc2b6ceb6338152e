import type { ServerResponse } from 'node:http';
import { getQueueToken } from '@nestjs/bull';
import type { JobCounts, Queue } from 'bull';
import Redis from 'ioredis';
import { Webhook } from 'standardwebhooks';
import type {
  DeliveryDetailResponse,
  DeliveryResponse,
  EventResponse,
  StreamMessage,
} from '@hookyard/contracts';
import { DeliveryExecutor } from '../src/modules/deliveries/delivery-executor';
import {
  BATCH_JOB_SIZE,
  DELIVERY_QUEUE,
  DeliveryQueue,
  HELD_PER_SLOT,
} from '../src/modules/deliveries/delivery-queue';
import { DeliverySweeper, SWEEP_PROBE } from '../src/modules/deliveries/delivery-sweeper';
import { startServer, truncateAll, withDb, type TestServer } from './helpers';
import { connect } from './sse';
import { eventually, Target } from './target';

let server: TestServer;
const targets: Target[] = [];

beforeEach(() => truncateAll());
afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
});

async function target(responder?: Parameters<typeof Target.start>[0]): Promise<Target> {
  const t = await Target.start(responder);
  targets.push(t);
  return t;
}

// Through whichever server the current block started.
const post = <T>(path: string, json: unknown, expected?: number) =>
  server.post<T>(path, json, expected);
const get = <T>(path: string) => server.get<T>(path);

const FAST_RETRY = { maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 2000 };

/** A source wired to one destination per URL; returns the source slug and destination ids. */
async function route(
  urls: string[],
  destination: Record<string, unknown> = {},
  filter: unknown = null,
) {
  const slug = `s${Math.random().toString(36).slice(2, 8)}`;
  const source = await post<{ id: string }>('/api/v1/sources', { name: 'Src', slug });
  const ids: string[] = [];
  for (const url of urls) {
    const d = await post<{ id: string }>('/api/v1/destinations', {
      name: 'Dst',
      url,
      retry: FAST_RETRY,
      timeoutMs: 2000,
      ...destination,
    });
    await post('/api/v1/connections', { sourceId: source.id, destinationId: d.id, filter });
    ids.push(d.id);
  }
  return { slug, sourceId: source.id, destinationIds: ids };
}

async function ingest(
  slug: string,
  body = '{"hello":"world"}',
  init: { headers?: Record<string, string>; path?: string } = {},
) {
  const res = await fetch(`${server.url}/in/${slug}${init.path ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const eventOf = (id: string) => get<EventResponse>(`/api/v1/events/${id}`);

/** How many deliveries are in each status, e.g. `{ scheduled: 4, delivering: 2 }`. */
const deliveryStates = () =>
  withDb(async (c) => {
    const { rows } = await c.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM deliveries GROUP BY status ORDER BY status',
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  });
const deliveryOf = (id: string) => get<DeliveryDetailResponse>(`/api/v1/deliveries/${id}`);

async function settled(
  eventId: string,
  status: string,
  timeoutMs = 10_000,
): Promise<DeliveryDetailResponse> {
  return eventually(
    async () => {
      const [d] = (await eventOf(eventId)).deliveries;
      return d?.status === status ? deliveryOf(d.id) : undefined;
    },
    timeoutMs,
    `a ${status} delivery of event ${eventId}`,
  );
}

/** Every forwarding promise holds on both transports: Bull jobs on Redis, and claims from the database. */
describe.each([
  ['Bull on Redis', false],
  ['the database (no Redis)', true],
])('over %s', (_transport, withoutRedis) => {
  beforeAll(async () => {
    server = await startServer({}, { withoutRedis });
  });
  afterAll(() => server.close());

  describe('forwarding', () => {
    it('delivers the original method, bytes, headers, path and query, plus Hookyard ids', async () => {
      const t = await target();
      const { slug } = await route([t.url('/hook?env=dev')], { headers: { 'X-Env': 'dev' } });
      const body = '{"emoji":"🪝","n":1}';
      const eventId = await ingest(slug, body, {
        headers: { 'X-Custom': 'kept', Connection: 'keep-alive' },
        path: '/ci/build?x=1',
      });
      const delivery = await settled(eventId, 'succeeded');
      expect(t.received).toHaveLength(1);
      const [got] = t.received;
      console.log(
        'sent POST /ci/build?x=1 with',
        body,
        '→ target got',
        got.method,
        got.url,
        got.body.toString(),
      );
      expect(got.method).toBe('POST');
      expect(got.url).toBe('/hook/ci/build?env=dev&x=1');
      expect(got.body.toString()).toBe(body);
      expect(got.headers['x-custom']).toBe('kept');
      expect(got.headers['x-env']).toBe('dev');
      expect(got.headers['content-type']).toBe('application/json');
      expect(got.headers['x-hookyard-event-id']).toBe(eventId);
      expect(got.headers['x-hookyard-delivery-id']).toBe(delivery.id);
      expect(got.headers['x-hookyard-attempt']).toBe('1');
      expect(delivery.attempts).toHaveLength(1);
      expect(delivery.attempts[0]).toMatchObject({
        n: 1,
        statusCode: 200,
        error: null,
        responseBody: 'ok',
      });
    });

    it('retries a 5xx with growing gaps, then succeeds', async () => {
      const t = await target(Target.statuses(500, 502, 200));
      const { slug } = await route([t.url()]);
      const eventId = await ingest(slug);
      const delivery = await settled(eventId, 'succeeded');
      const gaps = [t.received[1].at - t.received[0].at, t.received[2].at - t.received[1].at];
      console.log(
        'attempt statuses',
        delivery.attempts.map((a) => a.statusCode),
        'gaps (ms)',
        gaps,
      );
      expect(delivery.attempts.map((a) => a.statusCode)).toEqual([500, 502, 200]);
      expect(gaps[0]).toBeGreaterThanOrEqual(150);
      expect(gaps[1]).toBeGreaterThan(gaps[0]);
    });

    it('records a timeout when the target hangs', async () => {
      const t = await target(() => undefined);
      const { slug } = await route([t.url()], {
        timeoutMs: 300,
        retry: { ...FAST_RETRY, maxAttempts: 1 },
      });
      const delivery = await settled(await ingest(slug), 'dead');
      expect(delivery.attempts[0]).toMatchObject({ statusCode: null, errorKind: 'timeout' });
      expect(delivery.attempts[0].durationMs).toBeGreaterThanOrEqual(290);
    });

    it('records a refused connection', async () => {
      const t = await target();
      const url = t.url();
      await t.close();
      targets.pop();
      const { slug } = await route([url], { retry: { ...FAST_RETRY, maxAttempts: 1 } });
      const delivery = await settled(await ingest(slug), 'dead');
      expect(delivery.attempts[0]).toMatchObject({
        statusCode: null,
        errorKind: 'connection_refused',
      });
    });

    it("honours a 429's Retry-After", async () => {
      let n = 0;
      const t = await target((_req, res) =>
        n++ === 0 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.writeHead(200).end(),
      );
      const { slug } = await route([t.url()], {
        retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 5000 },
      });
      await settled(await ingest(slug), 'succeeded');
      const gap = t.received[1].at - t.received[0].at;
      console.log('429 Retry-After: 1 → next attempt after', gap, 'ms');
      expect(gap).toBeGreaterThanOrEqual(950);
    });

    it('is dead after the last attempt, listed as dead, and a manual retry delivers it', async () => {
      const t = await target(Target.statuses(500));
      const { slug } = await route([t.url()], {
        retry: { maxAttempts: 2, initialDelayMs: 100, maxDelayMs: 100 },
      });
      const eventId = await ingest(slug);
      const dead = await settled(eventId, 'dead');
      expect(dead.attempts).toHaveLength(2);
      const listed = await get<{ data: DeliveryResponse[] }>('/api/v1/deliveries?status=dead');
      expect(listed.data.map((d) => d.id)).toEqual([dead.id]);

      t.respond((_req, res) => res.writeHead(200).end('fixed'));
      const retried = await post<{ id: string; status: string }>(
        `/api/v1/deliveries/${dead.id}/retry`,
        {},
        202,
      );
      expect(retried).toEqual({ id: dead.id, status: 'scheduled' });
      const done = await settled(eventId, 'succeeded');
      expect(done.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    });

    it('bulk-retries every dead delivery of a destination', async () => {
      const t = await target(Target.statuses(500));
      const { slug, destinationIds } = await route([t.url()], {
        retry: { maxAttempts: 1, initialDelayMs: 100, maxDelayMs: 100 },
      });
      const events = await Promise.all(
        Array.from({ length: 20 }, (_, i) => ingest(slug, `{"i":${i}}`)),
      );
      await eventually(
        async () =>
          (await get<{ data: unknown[] }>('/api/v1/deliveries?status=dead&limit=100')).data
            .length === 20,
        15_000,
        '20 dead',
      );
      t.respond((_req, res) => res.writeHead(204).end());
      const { count } = await post<{ count: number }>(
        '/api/v1/deliveries/retry',
        { status: 'dead', destinationId: destinationIds[0] },
        202,
      );
      expect(count).toBe(20);
      await Promise.all(events.map((e) => settled(e, 'succeeded', 15_000)));
      expect(t.received).toHaveLength(40);
    });

    it('replays an event to an ad-hoc URL and to another destination', async () => {
      const first = await target();
      const other = await target();
      const { slug } = await route([first.url()]);
      const eventId = await ingest(slug, '{"replay":true}');
      await settled(eventId, 'succeeded');
      const { deliveryId } = await post<{ deliveryId: string }>(
        `/api/v1/events/${eventId}/replay`,
        { url: other.url('/adhoc') },
        202,
      );
      await eventually(async () => (await deliveryOf(deliveryId)).status === 'succeeded');
      expect(other.received[0].url).toBe('/adhoc');
      expect(other.received[0].body.toString()).toBe('{"replay":true}');
      const d2 = await post<{ id: string }>('/api/v1/destinations', {
        name: 'Other',
        url: other.url('/dest'),
      });
      const replay = await post<{ deliveryId: string }>(
        `/api/v1/events/${eventId}/replay`,
        { destinationId: d2.id },
        202,
      );
      await eventually(async () => (await deliveryOf(replay.deliveryId)).status === 'succeeded');
      expect(other.received.map((r) => r.url)).toEqual(['/adhoc', '/dest']);
      expect(first.received).toHaveLength(1);
    });

    it('fans out to two destinations, once each', async () => {
      const a = await target();
      const b = await target();
      const { slug } = await route([a.url(), b.url()]);
      const eventId = await ingest(slug);
      await eventually(async () =>
        (await eventOf(eventId)).deliveries.every((d) => d.status === 'succeeded'),
      );
      expect(a.received).toHaveLength(1);
      expect(b.received).toHaveLength(1);
      expect((await eventOf(eventId)).deliveries).toHaveLength(2);
    });

    it('forwards only what matches the connection filter', async () => {
      const t = await target();
      const { slug } = await route(
        [t.url()],
        {},
        { headers: { 'X-GitHub-Event': 'push' }, body: { 'repository.private': false } },
      );
      const skipped = await ingest(slug, '{"repository":{"private":false}}', {
        headers: { 'X-GitHub-Event': 'issues' },
      });
      const kept = await ingest(slug, '{"repository":{"private":false}}', {
        headers: { 'X-GitHub-Event': 'push' },
      });
      await settled(kept, 'succeeded');
      expect((await eventOf(skipped)).deliveries).toEqual([]);
      expect(t.received).toHaveLength(1);
    });

    it('signs with Standard Webhooks when the destination has a secret (checked by the standardwebhooks package)', async () => {
      const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
      const t = await target();
      const { slug } = await route([t.url()], { signingSecret: secret });
      const body = '{"signed":true}';
      await settled(
        await ingest(slug, body, { headers: { 'webhook-signature': 'v1,forged' } }),
        'succeeded',
      );
      const got = t.received[0];
      const verified = new Webhook(secret).verify(got.body.toString(), {
        'webhook-id': String(got.headers['webhook-id']),
        'webhook-timestamp': String(got.headers['webhook-timestamp']),
        'webhook-signature': String(got.headers['webhook-signature']),
      });
      expect(verified).toEqual({ signed: true });
    });

    it('disables the destination on 410 Gone; new deliveries wait until it is enabled again', async () => {
      const t = await target(Target.statuses(410));
      const { slug, destinationIds } = await route([t.url()]);
      await ingest(slug);
      await eventually(
        async () =>
          (await get<{ disabledAt: string | null }>(`/api/v1/destinations/${destinationIds[0]}`))
            .disabledAt !== null,
        10_000,
        'the destination to be disabled',
      );
      const destination = await get<{ disabledAt: string | null; disabledReason: string }>(
        `/api/v1/destinations/${destinationIds[0]}`,
      );
      expect(destination.disabledReason).toContain('410');
      const waiting = await ingest(slug, '{"waits":true}');
      t.respond((_req, res) => res.writeHead(200).end());
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(t.received.filter((r) => r.body.toString() === '{"waits":true}')).toHaveLength(0);
      await server.api(`/api/v1/destinations/${destinationIds[0]}`, {
        method: 'PATCH',
        json: { disabled: false },
      });
      await settled(waiting, 'succeeded');
    });

    it('holds deliveries of a paused destination and sends them on resume', async () => {
      const t = await target();
      const { slug, destinationIds } = await route([t.url()], { paused: true });
      const eventId = await ingest(slug);
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(t.received).toHaveLength(0);
      expect((await eventOf(eventId)).deliveries[0].status).toBe('scheduled');
      await server.api(`/api/v1/destinations/${destinationIds[0]}`, {
        method: 'PATCH',
        json: { paused: false },
      });
      await settled(eventId, 'succeeded');
    });

    it("sends the next delivery with the destination's new URL and headers once it is changed", async () => {
      const before = await target();
      const after = await target();
      const { slug, destinationIds } = await route([before.url('/old')], {
        headers: { 'X-Env': 'old' },
      });
      await settled(await ingest(slug), 'succeeded');
      await server.api(`/api/v1/destinations/${destinationIds[0]}`, {
        method: 'PATCH',
        json: { url: after.url('/new'), headers: { 'X-Env': 'new' } },
      });
      await settled(await ingest(slug), 'succeeded');
      expect(before.received.map((r) => [r.url, r.headers['x-env']])).toEqual([['/old', 'old']]);
      expect(after.received.map((r) => [r.url, r.headers['x-env']])).toEqual([['/new', 'new']]);
    });

    it('sends a signed test event to a destination, recorded like any delivery', async () => {
      const t = await target();
      const d = await post<{ id: string }>('/api/v1/destinations', { name: 'T', url: t.url() });
      const { deliveryId, eventId } = await post<{ deliveryId: string; eventId: string }>(
        `/api/v1/destinations/${d.id}/test`,
        {},
        202,
      );
      await eventually(async () => (await deliveryOf(deliveryId)).status === 'succeeded');
      expect(JSON.parse(t.received[0].body.toString())).toMatchObject({
        type: 'hookyard.test',
        id: eventId,
      });
    });

    it('answers 404 for unknown deliveries and events, 400 for a bad replay target', async () => {
      const id = crypto.randomUUID();
      expect((await server.api(`/api/v1/deliveries/${id}`)).status).toBe(404);
      expect(
        (await server.api(`/api/v1/deliveries/${id}/retry`, { method: 'POST', json: {} })).status,
      ).toBe(404);
      expect(
        (
          await server.api(`/api/v1/events/${id}/replay`, {
            method: 'POST',
            json: { url: 'http://127.0.0.1:1/x' },
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await server.api(`/api/v1/events/${id}/replay`, {
            method: 'POST',
            json: { url: 'ftp://x' },
          })
        ).status,
      ).toBe(400);
      expect(
        (await server.api(`/api/v1/events/${id}/replay`, { method: 'POST', json: {} })).status,
      ).toBe(400);
    });

    it('never records one attempt twice when the same attempt is queued many times', async () => {
      const t = await target();
      const { slug } = await route([t.url()], { paused: true });
      const eventId = await ingest(slug);
      const [d] = (await eventOf(eventId)).deliveries;
      await server.api(`/api/v1/destinations/${(await deliveryOf(d.id)).destinationId}`, {
        method: 'PATCH',
        json: { paused: false },
      });
      // Retry races the sweeper and the resume: all ask for attempt 1.
      await Promise.all(
        Array.from({ length: 10 }, () =>
          server.api(`/api/v1/deliveries/${d.id}/retry`, { method: 'POST', json: {} }),
        ),
      );
      await settled(eventId, 'succeeded');
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(t.received).toHaveLength(1);
      const attempts = await withDb(
        async (c) => (await c.query('SELECT count(*)::int AS n FROM attempts')).rows[0].n,
      );
      expect(attempts).toBe(1);
    });
  });

  describe('destination limits and cancel', () => {
    it("spreads deliveries to respect a destination's rate limit", async () => {
      const t = await target();
      const { slug } = await route([t.url()], { rateLimitPerSecond: 2 });
      const events = await Promise.all(
        Array.from({ length: 6 }, (_, i) => ingest(slug, `{"i":${i}}`)),
      );
      await Promise.all(events.map((e) => settled(e, 'succeeded', 15_000)));
      const times = t.received.map((r) => r.at).sort((a, b) => a - b);
      console.log('6 deliveries at 2/s arrived over', times[5] - times[0], 'ms');
      expect(times[5] - times[0]).toBeGreaterThanOrEqual(1500);
      const attempts = await withDb(
        async (c) => (await c.query('SELECT count(*)::int AS n FROM attempts')).rows[0].n,
      );
      expect(attempts).toBe(6);
    });

    it('cancels a scheduled delivery, and refuses to cancel a finished one', async () => {
      const t = await target();
      const { slug, destinationIds } = await route([t.url()], { paused: true });
      const eventId = await ingest(slug);
      const [d] = (await eventOf(eventId)).deliveries;
      const cancelled = await post<DeliveryResponse>(`/api/v1/deliveries/${d.id}/cancel`, {}, 200);
      expect(cancelled.status).toBe('cancelled');
      await server.api(`/api/v1/destinations/${destinationIds[0]}`, {
        method: 'PATCH',
        json: { paused: false },
      });
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(t.received).toHaveLength(0);
      const again = await server.api(`/api/v1/deliveries/${d.id}/cancel`, {
        method: 'POST',
        json: {},
      });
      expect(again.status).toBe(409);
    });
  });

  describe('live stream', () => {
    it('shows a rejected request too, with its reason', async () => {
      await post('/api/v1/sources', {
        name: 'GH',
        slug: 'gh-live',
        verification: { type: 'github', secrets: ['s'] },
      });
      const client = await connect(server);
      try {
        const res = await fetch(`${server.url}/in/gh-live`, { method: 'POST', body: '{}' });
        expect(res.status).toBe(401);
        const { id } = (await res.json()) as { id: string };
        const created = await client.nextMessage<Extract<StreamMessage, { type: 'event.created' }>>(
          'event.created',
          id,
        );
        expect(created).toMatchObject({ id, status: 'rejected', verified: false });
        expect(created.rejectionReason).toContain('X-Hub-Signature-256');
      } finally {
        client.close();
      }
    });

    it('shows a new event and each change of its delivery as they happen', async () => {
      const t = await target(Target.statuses(500, 200));
      const client = await connect(server);
      try {
        const { slug } = await route([t.url()]);
        const eventId = await ingest(slug);
        const created = await client.nextMessage<Extract<StreamMessage, { type: 'event.created' }>>(
          'event.created',
          eventId,
        );
        expect(created).toMatchObject({ id: eventId, method: 'POST', status: 'accepted' });
        const [d] = (await eventOf(eventId)).deliveries;
        const statuses: string[] = [];
        while (!statuses.includes('succeeded')) {
          const update = await client.nextMessage<
            Extract<StreamMessage, { type: 'delivery.updated' }>
          >('delivery.updated', d.id);
          statuses.push(update.status);
        }
        console.log('delivery.updated statuses seen on the stream:', statuses);
        expect(statuses).toEqual(['failed', 'succeeded']);
      } finally {
        client.close();
      }
    });
  });
});

describe('SSRF guard', () => {
  it('refuses private and loopback destinations unless allowed, and the target sees nothing', async () => {
    // Its own queue: the main test server (private addresses allowed) must not take its jobs.
    const guarded = await startServer({
      HOOKYARD_ALLOW_PRIVATE_DESTINATIONS: 'false',
      HOOKYARD_REDIS_PREFIX: `ssrf-${process.pid}`,
    });
    try {
      const t = await target();
      for (const url of [
        t.url(),
        `http://localhost:${t.port}/x`,
        `http://[::ffff:127.0.0.1]:${t.port}/x`,
        'http://169.254.169.254/latest/meta-data',
        'http://10.0.0.1/x',
      ]) {
        const d = await guarded.api('/api/v1/destinations', {
          method: 'POST',
          json: { name: 'x', url, retry: { maxAttempts: 1, initialDelayMs: 100, maxDelayMs: 100 } },
        });
        const { id } = (await d.json()) as { id: string };
        const test = (await (
          await guarded.api(`/api/v1/destinations/${id}/test`, { method: 'POST', json: {} })
        ).json()) as { deliveryId: string };
        const delivery = await eventually(async () => {
          const res = (await (
            await guarded.api(`/api/v1/deliveries/${test.deliveryId}`)
          ).json()) as DeliveryDetailResponse;
          return res.status === 'dead' ? res : undefined;
        });
        console.log(url, '→', delivery.attempts[0].errorKind, delivery.attempts[0].error);
        expect(delivery.attempts[0].errorKind).toBe('ssrf_blocked');
      }
      expect(t.received).toHaveLength(0);
    } finally {
      await guarded.close();
    }
  });
});

describe.each([
  ['Bull on Redis', false],
  ['the database (no Redis)', true],
])('worker concurrency, over %s', (_transport, withoutRedis) => {
  it('has at most HOOKYARD_WORKER_CONCURRENCY requests out, and claims only what it sends', async () => {
    // Its own queue: no other server may take these jobs.
    server = await startServer(
      { HOOKYARD_WORKER_CONCURRENCY: '2', HOOKYARD_REDIS_PREFIX: `slots-${process.pid}` },
      { withoutRedis },
    );
    try {
      const held: ServerResponse[] = [];
      let holding = true;
      let open = 0;
      let mostOpen = 0;
      const t = await target((_req, res) => {
        open += 1;
        mostOpen = Math.max(mostOpen, open);
        res.once('finish', () => (open -= 1));
        if (holding) held.push(res);
        else res.writeHead(200).end('ok');
      });
      const { slug } = await route([t.url()]);
      const events = await Promise.all(
        Array.from({ length: 6 }, (_, i) => ingest(slug, `{"i":${i}}`)),
      );
      await eventually(() => held.length === 2, 5000, 'two requests held at the target');
      // Bull runs more jobs than there are slots; the ones waiting for a slot have not claimed.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(t.received).toHaveLength(2);
      const states = await deliveryStates();
      expect(states).toEqual({ delivering: 2, scheduled: 4 });

      holding = false;
      for (const res of held.splice(0)) res.writeHead(200).end('ok');
      await Promise.all(events.map((e) => settled(e, 'succeeded')));
      console.log(`6 deliveries, concurrency 2: at most ${mostOpen} requests open at the target`);
      expect(t.received).toHaveLength(6);
      expect(mostOpen).toBe(2);
      // Nothing is left queued: batch jobs clear what they held when they end.
      const queue = server.app.get(DeliveryQueue);
      await eventually(async () => (await queue.depth()) === 0, 5000, 'an empty queue');
    } finally {
      await server.close();
    }
  });
});

describe('sweeper', () => {
  // Role api: nothing takes the jobs, so they wait in Redis past the sweeper's grace.
  const prefix = `sweep-${process.pid}`;
  let redis: Redis;
  let sweeper: DeliverySweeper;

  beforeEach(async () => {
    server = await startServer({ HOOKYARD_ROLE: 'api', HOOKYARD_REDIS_PREFIX: prefix });
    redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    sweeper = server.app.get(DeliverySweeper);
  });
  afterEach(async () => {
    // This block's queue goes with it: the next test starts with none.
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await server.close();
  });

  /** The key of the job that holds attempt 1 of a delivery: a batch's, or its own. */
  async function jobKey(deliveryId: string): Promise<string> {
    const batch = await redis.hget(`${prefix}:deliveries:batched`, `${deliveryId}:1`);
    return `${prefix}:deliveries:${batch ?? `${deliveryId}:1`}`;
  }

  /** Deletes the job that holds a delivery's attempt; returns how many attempts it held. */
  async function loseJobOf(deliveryId: string, all: string[]): Promise<number> {
    const key = await jobKey(deliveryId);
    const keys = await Promise.all(all.map(jobKey));
    expect(await redis.del(key)).toBe(1);
    return keys.filter((k) => k === key).length;
  }

  /** The delivery ids of `n` webhooks ingested through a source routed to a target. */
  async function deliveriesOf(slug: string, n: number): Promise<string[]> {
    const events = await Promise.all(
      Array.from({ length: n }, (_, i) => ingest(slug, `{"i":${i}}`)),
    );
    return Promise.all(events.map(async (e) => (await eventOf(e)).deliveries[0].id));
  }

  it('queues again only the due attempts whose job Redis lost', async () => {
    const { slug } = await route([(await target()).url()]);
    const deliveries = await deliveriesOf(slug, 3);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await sweeper.sweep()).toBe(0);

    const lost = await loseJobOf(deliveries[1], deliveries);
    expect(await sweeper.sweep()).toBe(lost);
    expect(await redis.exists(await jobKey(deliveries[1]))).toBe(1);
    expect(await sweeper.sweep()).toBe(0);
  });

  it('looks past the oldest overdue attempts only when some of those were lost', async () => {
    const { slug } = await route([(await target()).url()]);
    // The probe's worth first, then newer ones: due strictly later.
    const older = await deliveriesOf(slug, SWEEP_PROBE);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const newer = await deliveriesOf(slug, 10);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await sweeper.sweep()).toBe(0);

    // Lost behind a queued backlog: found once the backlog ahead of it has run.
    const lostNewer = await loseJobOf(newer[3], newer);
    expect(await sweeper.sweep()).toBe(0);
    // One of the oldest lost: the pass looks at every overdue attempt.
    const lostOlder = await loseJobOf(older[7], older);
    expect(await sweeper.sweep()).toBe(lostOlder + lostNewer);
    expect(await redis.exists(await jobKey(older[7]), await jobKey(newer[3]))).toBeGreaterThan(0);
    expect(await sweeper.sweep()).toBe(0);
  });

  it('puts attempts queued together in one batch job, and counts its attempts in the depth', async () => {
    const { slug } = await route([(await target()).url()]);
    const deliveries = await deliveriesOf(slug, 40);
    const keys = await Promise.all(deliveries.map(jobKey));
    const jobs = new Set(keys);
    // Concurrent requests commit in groups: fewer jobs than attempts, each batch within its size.
    expect(jobs.size).toBeLessThan(deliveries.length);
    for (const key of jobs) {
      const data = JSON.parse((await redis.hget(key, 'data')) ?? 'null') as
        | { attempts: { deliveryId: string; attempt: number }[] }
        | { deliveryId: string; attempt: number };
      const held = 'attempts' in data ? data.attempts : [data];
      expect(held.length).toBeLessThanOrEqual(BATCH_JOB_SIZE);
      expect(held.map((a) => a.deliveryId).sort()).toEqual(
        deliveries.filter((_, i) => keys[i] === key).sort(),
      );
      expect(held.every((a) => a.attempt === 1)).toBe(true);
    }
    expect(await server.app.get(DeliveryQueue).depth()).toBe(40);
  });
});

describe('a Bull worker that shuts down in the middle of a batch', () => {
  it('finishes the attempts it started and queues the rest again for another worker', async () => {
    const prefix = `stopping-${process.pid}`;
    const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    // Each request takes 300 ms: a worker with one slot has one out, the rest of the batch waits.
    const t = await target((_req, res) => {
      setTimeout(() => res.writeHead(200).end('ok'), 300);
    });
    server = await startServer({ HOOKYARD_ROLE: 'api', HOOKYARD_REDIS_PREFIX: prefix });
    let worker: TestServer | null = null;
    try {
      const { slug } = await route([t.url()]);
      const events = await Promise.all(
        Array.from({ length: 6 }, (_, i) => ingest(slug, `{"i":${i}}`)),
      );
      const ids = await Promise.all(events.map(async (e) => (await eventOf(e)).deliveries[0].id));
      // One batch of all six: the jobs ingest queued go, and the six are queued in one call.
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await server.app.get(DeliveryQueue).enqueue(ids.map((id) => ({ id, attempt: 1 })));
      expect(await redis.hlen(`${prefix}:deliveries:batched`)).toBe(6);

      worker = await startServer({
        HOOKYARD_ROLE: 'worker',
        HOOKYARD_REDIS_PREFIX: prefix,
        HOOKYARD_WORKER_CONCURRENCY: '1',
      });
      await eventually(() => t.received.length === 1, 5000, 'the first request at the target');
      const stoppingAt = Date.now();
      await worker.close();
      worker = null;
      const stopMs = Date.now() - stoppingAt;
      console.log(`worker stopped ${stopMs} ms after it was told, with ${t.received.length} sent`);
      expect(t.received).toHaveLength(1);
      const states = await deliveryStates();
      expect(states).toEqual({ scheduled: 5, succeeded: 1 });
      expect(await server.app.get(DeliveryQueue).depth()).toBe(5);

      // Another worker takes them: each delivered once.
      worker = await startServer({ HOOKYARD_ROLE: 'worker', HOOKYARD_REDIS_PREFIX: prefix });
      await Promise.all(events.map((e) => settled(e, 'succeeded')));
      expect(t.received.map((r) => r.headers['x-hookyard-delivery-id']).sort()).toEqual(
        [...ids].sort(),
      );
    } finally {
      await worker?.close();
      await server.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});

describe('a process that runs a worker, with Bull', () => {
  // Its own queue, paused for every worker: what reaches the target did not go through it.
  const prefix = `here-${process.pid}`;
  let redis: Redis;
  let bull: Queue;

  beforeEach(async () => {
    server = await startServer({ HOOKYARD_REDIS_PREFIX: prefix, HOOKYARD_WORKER_CONCURRENCY: '1' });
    redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    bull = server.app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
    await bull.pause();
  });
  afterEach(async () => {
    await server.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  /** The attempts Redis holds: jobs of their own and those in batches. */
  async function queuedInRedis(): Promise<number> {
    const counts: JobCounts & { paused?: number } = await bull.getJobCounts();
    const inBatches = await redis.hlen(`${prefix}:deliveries:batched`);
    const batches = await redis.scard(`${prefix}:deliveries:batches`);
    return (
      counts.waiting + (counts.paused ?? 0) + counts.delayed + counts.active - batches + inBatches
    );
  }

  it('sends what it ingests itself while it has room, and queues the rest for any worker', async () => {
    const held: ServerResponse[] = [];
    const t = await target((_req, res) => held.push(res));
    const { slug } = await route([t.url()]);
    const first = await ingest(slug);
    await settled(first, 'delivering');
    expect(await queuedInRedis()).toBe(0);

    // Room for HELD_PER_SLOT (concurrency 1): the first is sent, the rest wait for the slot,
    // unclaimed. One more waits in the (paused) queue, for any worker.
    const more = await Promise.all(
      Array.from({ length: HELD_PER_SLOT }, (_, i) => ingest(slug, `{"i":${i}}`)),
    );
    const events = [first, ...more];
    await eventually(async () => (await queuedInRedis()) === 1, 5000, 'one attempt in Redis');
    expect(held).toHaveLength(1);
    expect(await server.app.get(DeliveryQueue).depth()).toBe(events.length);
    expect(await deliveryStates()).toEqual({ delivering: 1, scheduled: HELD_PER_SLOT });

    await bull.resume();
    for (let sent = 0; sent < events.length; sent++) {
      await eventually(() => held.length > 0, 5000, `request ${sent + 1} at the target`);
      held.shift()?.writeHead(200).end('ok');
    }
    await Promise.all(events.map((e) => settled(e, 'succeeded')));
    expect(t.received.map((r) => r.headers['x-hookyard-event-id']).sort()).toEqual(
      [...events].sort(),
    );
    await eventually(
      async () => (await server.app.get(DeliveryQueue).depth()) === 0,
      5000,
      'an empty queue',
    );
  });

  it('queues, rather than runs, what is due once it has begun to stop', async () => {
    const t = await target();
    const { slug } = await route([t.url()]);
    const delivered = await ingest(slug);
    await settled(delivered, 'succeeded');
    const [{ id }] = (await eventOf(delivered)).deliveries;
    await withDb((c) =>
      c.query(
        `UPDATE deliveries SET status = 'scheduled', attempt_count = 1, next_attempt_at = now() WHERE id = $1`,
        [id],
      ),
    );

    server.app.get(DeliveryExecutor).stop();
    await server.app.get(DeliveryQueue).enqueue([{ id, attempt: 2 }]);
    await eventually(async () => (await queuedInRedis()) === 1, 5000, 'attempt 2 in Redis');
    expect(t.received).toHaveLength(1);
    expect(await deliveryStates()).toEqual({ scheduled: 1 });
  });
});

describe('the database transport, when its process shuts down', () => {
  it('finishes the requests it has out and claims no more: none left in flight, none failed', async () => {
    const t = await target((_req, res) => {
      setTimeout(() => res.writeHead(200).end('ok'), 300);
    });
    server = await startServer({ HOOKYARD_WORKER_CONCURRENCY: '1' }, { withoutRedis: true });
    let closed = false;
    try {
      const { slug } = await route([t.url()]);
      await Promise.all(Array.from({ length: 6 }, (_, i) => ingest(slug, `{"i":${i}}`)));
      await eventually(() => t.received.length === 1, 5000, 'the first request at the target');
      await server.close();
      closed = true;
      const attempts = await deliveryStates();
      console.log(
        `after shutdown: ${t.received.length} sent, deliveries ${JSON.stringify(attempts)}`,
      );
      expect(attempts.failed).toBeUndefined();
      expect(attempts.succeeded).toBe(t.received.length);
      expect((attempts.scheduled ?? 0) + (attempts.succeeded ?? 0)).toBe(6);
    } finally {
      if (!closed) await server.close();
    }
  });
});

describe('the database transport, when a worker died', () => {
  it('claims a delivery whose lease ended, and leaves one whose lease still runs', async () => {
    // Role api: the deliveries wait in the database until the test has shaped them.
    server = await startServer({ HOOKYARD_ROLE: 'api' }, { withoutRedis: true });
    const t = await target();
    let events: string[];
    try {
      const { slug } = await route([t.url()]);
      events = [await ingest(slug, '{"lease":"ended"}'), await ingest(slug, '{"lease":"held"}')];
      // As a dead worker leaves them: in flight, one lease over, one still running.
      await withDb((c) =>
        c.query(
          `UPDATE deliveries SET status = 'delivering',
             lease_until = CASE WHEN event_id = $1 THEN now() - interval '1 second'
                                ELSE now() + interval '1 hour' END
           WHERE event_id = ANY($2::uuid[])`,
          [events[0], events],
        ),
      );
    } finally {
      await server.close();
    }
    server = await startServer({}, { withoutRedis: true });
    try {
      const done = await settled(events[0], 'succeeded');
      expect(done.attemptCount).toBe(1);
      // A poll or two later, the held one is still with its (live) worker.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(t.received).toHaveLength(1);
      expect((await eventOf(events[1])).deliveries[0].status).toBe('delivering');
    } finally {
      await server.close();
    }
  });
});
