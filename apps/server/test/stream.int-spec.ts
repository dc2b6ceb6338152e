import { randomUUID } from 'node:crypto';
import type { DeliveryResponse, EventSummary } from '@hookyard/contracts';
import type Redis from 'ioredis';
import type { AppConfig } from '../src/config/config';
import { APP_CONFIG } from '../src/config/config.module';
import { REDIS } from '../src/modules/redis/redis.token';
import { StreamService, streamChannel } from '../src/modules/stream/stream.service';
import { ADMIN_TOKEN, startServer, type TestServer } from './helpers';
import { connect, isComment, openClients, SseClient } from './sse';

async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

function delivery(): DeliveryResponse {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    eventId: randomUUID(),
    destinationId: randomUUID(),
    url: null,
    status: 'succeeded',
    attemptCount: 1,
    nextAttemptAt: null,
    lastStatusCode: 200,
    edited: false,
    createdAt: now,
    updatedAt: now,
  };
}

function event(sourceId: string): EventSummary {
  return {
    id: randomUUID(),
    sourceId,
    method: 'POST',
    path: '/in/gh',
    query: '',
    contentType: 'application/json',
    size: 2,
    sourceIp: '127.0.0.1',
    receivedAt: new Date().toISOString(),
    status: 'accepted',
    verified: true,
    rejectionReason: null,
    handshake: null,
    dedupeKey: null,
    deliveryCounts: { total: 1, pending: 1, succeeded: 0, failed: 0, dead: 0, cancelled: 0 },
  };
}

/** Two applications on one Redis: two processes as far as the stream can tell. */
let serverA: TestServer;
let serverB: TestServer;

beforeAll(async () => {
  [serverA, serverB] = await Promise.all([startServer(), startServer()]);
});
afterEach(() => {
  for (const client of openClients) client.close();
});
afterAll(() => Promise.all([serverA.close(), serverB.close()]));

/** A server whose stream has a channel of its own, which no process listens to. */
async function lonelyServer() {
  const lonely = await startServer({ HOOKYARD_REDIS_PREFIX: `hytest-unheard-${randomUUID()}` });
  return {
    lonely,
    redis: lonely.app.get<typeof REDIS, Redis>(REDIS),
    channel: streamChannel(lonely.app.get<typeof APP_CONFIG, AppConfig>(APP_CONFIG).redisPrefix),
    stream: lonely.app.get(StreamService),
  };
}

describe('GET /api/v1/stream', () => {
  it('delivers a message published by another process through Redis, as its event type', async () => {
    const client = await connect(serverA);
    const sent = delivery();
    serverB.app.get(StreamService).publish({ type: 'delivery.updated', data: sent });
    const block = await client.next((b) => b.data?.includes(sent.id) ?? false);
    expect(block.event).toBe('delivery.updated');
    expect(block.id).toEqual(expect.any(String));
    expect(JSON.parse(block.data ?? '')).toEqual(sent);
  });

  it('fans one message out to every client of every process', async () => {
    const clients = await Promise.all([connect(serverA), connect(serverA), connect(serverB)]);
    const sent = delivery();
    serverA.app.get(StreamService).publish({ type: 'delivery.updated', data: sent });
    for (const client of clients) {
      expect(await client.nextMessage('delivery.updated', sent.id)).toEqual(sent);
    }
  });

  it('answers text/event-stream, unbuffered and uncached, with a ": connected" comment first', async () => {
    const client = await SseClient.open(`${serverA.url}/api/v1/stream`, {
      authorization: `Bearer ${ADMIN_TOKEN}`,
    });
    expect(client.response.status).toBe(200);
    expect(client.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(client.response.headers.get('cache-control')).toContain('no-cache');
    expect(client.response.headers.get('x-accel-buffering')).toBe('no');
    await client.next(isComment('connected'));
  });

  it('answers 401 with the JSON error shape without a token', async () => {
    const res = await fetch(`${serverA.url}/api/v1/stream`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.any(String),
    });
  });

  it('accepts the token as ?access_token= (EventSource cannot send headers)', async () => {
    const client = await SseClient.open(
      `${serverA.url}/api/v1/stream?access_token=${encodeURIComponent(ADMIN_TOKEN)}`,
    );
    expect(client.response.status).toBe(200);
    await client.next(isComment('connected'));
    const sent = delivery();
    serverB.app.get(StreamService).publish({ type: 'delivery.updated', data: sent });
    expect(await client.nextMessage('delivery.updated', sent.id)).toEqual(sent);
  });

  it.each([
    ['a wrong token', 'wrong-token-0123456789'],
    ['the token with a character missing', ADMIN_TOKEN.slice(0, -1)],
    ['an empty token', ''],
  ])('refuses ?access_token= holding %s', async (_what, token) => {
    const res = await fetch(`${serverA.url}/api/v1/stream?access_token=${token}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('refuses a wrong bearer token even with a right ?access_token=', async () => {
    const res = await fetch(`${serverA.url}/api/v1/stream?access_token=${ADMIN_TOKEN}`, {
      headers: { authorization: 'Bearer wrong-token-0123456789' },
    });
    expect(res.status).toBe(401);
  });

  it('does not accept ?access_token= on other routes', async () => {
    for (const path of ['/api/v1/sources', '/api/v1/events', `/api/v1/events/${randomUUID()}`]) {
      const res = await fetch(`${serverA.url}${path}?access_token=${ADMIN_TOKEN}`);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
  });

  it('refuses an invalid sourceId or an unknown query parameter with 400', async () => {
    for (const search of ['?sourceId=not-a-uuid', '?since=yesterday']) {
      const res = await serverA.api(`/api/v1/stream${search}`);
      expect({ search, status: res.status }).toEqual({ search, status: 400 });
    }
  });

  it('with ?sourceId= drops other sources’ event.created and passes delivery.updated', async () => {
    const sourceId = randomUUID();
    const client = await connect(serverA, `?sourceId=${sourceId}`);
    const stream = serverB.app.get(StreamService);
    const other = event(randomUUID());
    const wanted = event(sourceId);
    const changed = delivery();
    stream.publish({ type: 'event.created', data: other });
    stream.publish({ type: 'event.created', data: wanted });
    stream.publish({ type: 'delivery.updated', data: changed });
    // One publisher's messages arrive in order: had `other` passed, it would come first.
    const first = await client.next((b) => b.event === 'event.created');
    expect(JSON.parse(first.data ?? '')).toEqual(wanted);
    expect(await client.nextMessage('delivery.updated', changed.id)).toEqual(changed);
  });

  it('ignores a malformed payload on the channel and keeps streaming', async () => {
    const client = await connect(serverA);
    const redis = serverB.app.get<typeof REDIS, Redis>(REDIS);
    const channel = streamChannel(
      serverB.app.get<typeof APP_CONFIG, AppConfig>(APP_CONFIG).redisPrefix,
    );
    await redis.publish(channel, '{not json');
    await redis.publish(channel, JSON.stringify({ type: 'unknown', data: {} }));
    // A well-formed payload on the same channel still arrives, after the malformed ones.
    const sent = delivery();
    await redis.publish(channel, JSON.stringify({ type: 'delivery.updated', data: sent }));
    expect(await client.nextMessage('delivery.updated', sent.id)).toEqual(sent);
    const known = [null, 'event.created', 'delivery.updated'];
    expect(client.blocks.filter((b) => !known.includes(b.event))).toEqual([]);
  });

  it('sends the messages of one turn as one Redis message, in order, and reads batches', async () => {
    const redis = serverB.app.get<typeof REDIS, Redis>(REDIS);
    const channel = streamChannel(
      serverB.app.get<typeof APP_CONFIG, AppConfig>(APP_CONFIG).redisPrefix,
    );
    const listener = redis.duplicate();
    const payloads: string[] = [];
    listener.on('message', (_channel: string, payload: string) => payloads.push(payload));
    await listener.subscribe(channel);
    try {
      const client = await connect(serverA);
      const sent = [delivery(), delivery(), delivery()];
      const stream = serverB.app.get(StreamService);
      for (const data of sent) stream.publish({ type: 'delivery.updated', data });
      for (const data of sent) {
        expect(await client.nextMessage('delivery.updated', data.id)).toEqual(data);
      }
      expect(payloads.map((p) => JSON.parse(p))).toEqual([
        sent.map((data) => ({ type: 'delivery.updated', data })),
      ]);

      // A batch with a malformed element: the others still arrive.
      const kept = delivery();
      await redis.publish(
        channel,
        JSON.stringify([
          { type: 'unknown', data: {} },
          { type: 'delivery.updated', data: kept },
        ]),
      );
      expect(await client.nextMessage('delivery.updated', kept.id)).toEqual(kept);
    } finally {
      listener.disconnect();
    }
  });

  it('while nobody listens, gathers messages for 100 ms; once someone does, sends each turn', async () => {
    const { lonely, redis, channel, stream } = await lonelyServer();
    const listener = redis.duplicate();
    const ids: string[][] = [];
    listener.on('message', (_channel: string, payload: string) =>
      ids.push((JSON.parse(payload) as { data: { id: string } }[]).map((m) => m.data.id)),
    );
    try {
      // The first PUBLISH reaches nobody (a command on the same connection answers after it).
      stream.publish({ type: 'delivery.updated', data: delivery() });
      await new Promise((resolve) => setImmediate(resolve));
      await redis.ping();

      // Three turns' messages, then a listener arrives: it still gets all three, together.
      const unheard = [delivery(), delivery(), delivery()];
      for (const data of unheard) {
        stream.publish({ type: 'delivery.updated', data });
        await new Promise((resolve) => setImmediate(resolve));
      }
      await listener.subscribe(channel);
      await eventually(() => expect(ids).toEqual([unheard.map((d) => d.id)]));

      // That PUBLISH reached the listener: from now on each turn leaves at once, on its own.
      for (const data of [delivery(), delivery()]) {
        stream.publish({ type: 'delivery.updated', data });
        await eventually(() => expect(ids.at(-1)).toEqual([data.id]), 50);
      }
      expect(ids).toHaveLength(3);
    } finally {
      listener.disconnect();
      await lonely.close();
    }
  });

  it('while nobody listens, builds and publishes nothing; for a listener, builds each message once', async () => {
    const { lonely, redis, channel, stream } = await lonelyServer();
    // A pattern subscription sees every PUBLISH to the channel, and is not its subscriber.
    const watcher = redis.duplicate();
    const published: string[] = [];
    watcher.on('pmessage', (_pattern: string, _channel: string, payload: string) =>
      published.push(payload),
    );
    const listener = redis.duplicate();
    const received: string[] = [];
    listener.on('message', (_channel: string, payload: string) =>
      received.push(...(JSON.parse(payload) as { data: { id: string } }[]).map((m) => m.data.id)),
    );
    const message = (data: DeliveryResponse) =>
      jest.fn(() => ({ type: 'delivery.updated' as const, data }));
    try {
      // Both connections ready (their ready check is not a subscriber command).
      await Promise.all([watcher.ping(), listener.ping()]);
      // The first PUBLISH reaches nobody.
      stream.publish({ type: 'delivery.updated', data: delivery() });
      await new Promise((resolve) => setImmediate(resolve));
      await redis.ping();
      await watcher.psubscribe(channel);

      const unheard = message(delivery());
      stream.publish(unheard);
      stream.publish(unheard);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(unheard).not.toHaveBeenCalled();
      expect(published).toEqual([]);

      await listener.subscribe(channel);
      const sent = delivery();
      const heard = message(sent);
      stream.publish(heard);
      await eventually(() => expect(received).toEqual([sent.id]));
      // The watcher's connection hears it on its own time.
      await eventually(() => expect(published).toHaveLength(1));
      expect(heard).toHaveBeenCalledTimes(1);
    } finally {
      watcher.disconnect();
      listener.disconnect();
      await lonely.close();
    }
  });

  it('lets go of a client that disconnects', async () => {
    const stream = serverA.app.get(StreamService);
    await eventually(() => expect(stream.clientCount).toBe(0));
    const client = await connect(serverA);
    expect(stream.clientCount).toBe(1);
    client.close();
    await eventually(() => expect(stream.clientCount).toBe(0));
  });
});

describe('GET /api/v1/stream without Redis', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({}, { withoutRedis: true });
  });
  afterAll(() => server.close());

  it('delivers a message published in the same process', async () => {
    const client = await connect(server);
    const sent = delivery();
    server.app.get(StreamService).publish({ type: 'delivery.updated', data: sent });
    expect(await client.nextMessage('delivery.updated', sent.id)).toEqual(sent);
  });

  it('builds a message only while someone in the process listens', async () => {
    const stream = server.app.get(StreamService);
    await eventually(() => expect(stream.clientCount).toBe(0));
    const unheard = jest.fn(() => ({ type: 'delivery.updated' as const, data: delivery() }));
    stream.publish(unheard);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unheard).not.toHaveBeenCalled();

    const client = await connect(server);
    const sent = delivery();
    const heard = jest.fn(() => ({ type: 'delivery.updated' as const, data: sent }));
    stream.publish(heard);
    expect(await client.nextMessage('delivery.updated', sent.id)).toEqual(sent);
    expect(heard).toHaveBeenCalledTimes(1);
  });
});

describe('shutdown', () => {
  it('ends open streams, so the server closes with clients connected', async () => {
    const server = await startServer();
    const client = await connect(server);
    await server.close();
    await client.ended;
    expect(server.app.get(StreamService).clientCount).toBe(0);
  });
});
