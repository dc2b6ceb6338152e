import { randomUUID } from 'node:crypto';
import type {
  CliAttemptRecorded,
  CliAttemptRequest,
  CliSessionRequest,
  CliSessionResponse,
  DeliveryDetailResponse,
  DestinationResponse,
  EventResponse,
} from '@hookyard/contracts';
import { startServer, truncateAll, withDb, type TestServer } from './helpers';
import { sign } from './signing';
import { connectCli, nextCliDelivery, openClients, unreadCliDeliveries } from './sse';
import { eventually, Target } from './target';

let server: TestServer;
const targets: Target[] = [];

beforeEach(() => truncateAll());
afterEach(async () => {
  for (const client of openClients) client.close();
  await Promise.all(targets.splice(0).map((t) => t.close()));
});

// Through whichever server the current block started.
const post = <T>(path: string, json: unknown, expected?: number) =>
  server.post<T>(path, json, expected);
const get = <T>(path: string) => server.get<T>(path);

const SLACK_SECRET = 'slack-signing-secret';

async function createSource(
  fields: Record<string, unknown> = {},
): Promise<{ id: string; slug: string }> {
  const slug = `s${Math.random().toString(36).slice(2, 8)}`;
  return post('/api/v1/sources', { name: 'Src', slug, ...fields });
}

let clientCount = 0;
/** A CLI installation of its own per call, unless told which. */
const newClientId = () => `client-${++clientCount}-${randomUUID().slice(0, 8)}`;

function session(
  source: string,
  fields: Partial<CliSessionRequest> = {},
): Promise<CliSessionResponse> {
  return post('/api/v1/cli/sessions', {
    source,
    forwardTo: 'http://localhost:3000/hooks',
    listener: 'ada@laptop',
    clientId: newClientId(),
    ...fields,
  });
}

/** A source and a CLI listening to it (session only: no stream yet). */
async function listening(sourceFields: Record<string, unknown> = {}) {
  const source = await createSource(sourceFields);
  const cli = await session(source.slug);
  return { source, cli, destinationId: cli.destinationId };
}

async function ingest(
  slug: string,
  init: {
    body?: string | Buffer;
    path?: string;
    method?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ id: string; at: number }> {
  const res = await fetch(`${server.url}/in/${slug}${init.path ?? ''}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body ?? '{"hello":"world"}',
  });
  expect(res.status).toBe(202);
  return { id: ((await res.json()) as { id: string }).id, at: Date.now() };
}

function report(deliveryId: string, attempt: Partial<CliAttemptRequest> & { attempt: number }) {
  return server.api(`/api/v1/cli/deliveries/${deliveryId}/attempts`, {
    method: 'POST',
    json: {
      url: 'http://localhost:3000/hooks',
      statusCode: 200,
      durationMs: 12,
      responseHeaders: { 'content-type': 'text/plain' },
      responseBody: Buffer.from('ok').toString('base64'),
      error: null,
      errorKind: null,
      ...attempt,
    },
  });
}

async function reported(
  deliveryId: string,
  attempt: Partial<CliAttemptRequest> & { attempt: number },
): Promise<CliAttemptRecorded> {
  const res = await report(deliveryId, attempt);
  if (res.status !== 200) throw new Error(`report: ${res.status} ${await res.text()}`);
  return (await res.json()) as CliAttemptRecorded;
}

const deliveryOf = (id: string) => get<DeliveryDetailResponse>(`/api/v1/deliveries/${id}`);
const eventOf = (id: string) => get<EventResponse>(`/api/v1/events/${id}`);
const destinationOf = (id: string) => get<DestinationResponse>(`/api/v1/destinations/${id}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['Bull on Redis', false],
  ['the database (no Redis)', true],
])('over %s', (_transport, withoutRedis) => {
  beforeAll(async () => {
    server = await startServer({}, { withoutRedis });
  });
  afterAll(() => server.close());

  describe('POST /api/v1/cli/sessions', () => {
    it('registers a CLI destination connected to the source, shown with who and where it listens', async () => {
      const source = await createSource();
      const created = await session(source.slug, { listener: 'ada@laptop' });
      expect(created).toEqual({
        destinationId: expect.any(String),
        sourceId: source.id,
        sourceSlug: source.slug,
        pending: 0,
        cancelled: 0,
      });
      const destination = await destinationOf(created.destinationId);
      expect(destination).toMatchObject({
        name: 'CLI ada@laptop',
        type: 'cli',
        url: 'http://localhost:3000/hooks',
        timeoutMs: 10_000,
        retry: { maxAttempts: 5, initialDelayMs: 2000 },
        cli: {
          listener: 'ada@laptop',
          forwardTo: 'http://localhost:3000/hooks',
          connected: false,
          lastSeenAt: null,
        },
      });
      const connections = await get<{ data: { sourceId: string; destinationId: string }[] }>(
        `/api/v1/connections?destinationId=${created.destinationId}`,
      );
      expect(connections.data).toEqual([
        expect.objectContaining({ sourceId: source.id, destinationId: created.destinationId }),
      ]);
      // An HTTP destination says what it is too.
      const http = await post<DestinationResponse>('/api/v1/destinations', {
        name: 'CI',
        url: 'http://127.0.0.1:9/hook',
      });
      expect(http).toMatchObject({ type: 'http', cli: null });
    });

    it('finds the same destination again for the same installation and source, by slug or id', async () => {
      const source = await createSource();
      const clientId = newClientId();
      const first = await session(source.slug, { clientId });
      const again = await session(source.id, {
        clientId,
        listener: 'ada@desktop',
        forwardTo: 'http://localhost:4000/other',
      });
      expect(again.destinationId).toBe(first.destinationId);
      expect(await destinationOf(first.destinationId)).toMatchObject({
        name: 'CLI ada@desktop',
        url: 'http://localhost:4000/other',
        cli: { listener: 'ada@desktop', forwardTo: 'http://localhost:4000/other' },
      });
      const connections = await get<{ data: unknown[] }>(
        `/api/v1/connections?destinationId=${first.destinationId}`,
      );
      expect(connections.data).toHaveLength(1);
      // Another installation gets a destination of its own.
      const other = await session(source.slug);
      expect(other.destinationId).not.toBe(first.destinationId);
    });

    it('answers 404 with a clear message for an unknown source', async () => {
      const res = await server.api('/api/v1/cli/sessions', {
        method: 'POST',
        json: {
          source: 'nope',
          forwardTo: 'http://localhost:3000/hooks',
          listener: 'ada@laptop',
          clientId: newClientId(),
        },
      });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'Source "nope" not found',
      });
    });

    it('answers 401 to a bad token and 400 to a bad request', async () => {
      const source = await createSource();
      const json = {
        source: source.slug,
        forwardTo: 'http://localhost:3000/hooks',
        listener: 'ada@laptop',
        clientId: newClientId(),
      };
      const unauthorized = await fetch(`${server.url}/api/v1/cli/sessions`, {
        method: 'POST',
        headers: { authorization: 'Bearer wrong-token', 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });
      expect(unauthorized.status).toBe(401);
      const bad = await server.api('/api/v1/cli/sessions', {
        method: 'POST',
        json: { ...json, clientId: 'short', forwardTo: 'ftp://x' },
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toMatch(/forwardTo|clientId/);
    });
  });

  describe('GET /api/v1/cli/destinations/:id/deliveries', () => {
    it('answers 404 for an unknown destination and for an HTTP one', async () => {
      const http = await post<DestinationResponse>('/api/v1/destinations', {
        name: 'CI',
        url: 'http://127.0.0.1:9/hook',
      });
      for (const id of [randomUUID(), http.id]) {
        const res = await server.api(`/api/v1/cli/destinations/${id}/deliveries`);
        expect(res.status).toBe(404);
        expect(((await res.json()) as { message: string }).message).toBe(
          `CLI destination ${id} not found`,
        );
      }
    });

    it('streams an ingested webhook within a second, exactly as received', async () => {
      const { source, destinationId } = await listening();
      const cli = await connectCli(server, destinationId);
      const body = Buffer.from([0x7b, 0x22, 0xff, 0x00, 0xc3, 0x28, 0x7d]); // not UTF-8
      const sent = Date.now();
      const { id: eventId } = await ingest(source.slug, {
        method: 'PUT',
        path: '/orders/42?x=1&y=%20two',
        body,
        headers: { 'content-type': 'application/octet-stream', 'X-Custom': 'kept' },
      });
      const { id, delivery } = await nextCliDelivery(cli, 1000);
      const latency = Date.now() - sent;
      console.log(`ingest → CLI stream: ${latency} ms`);
      expect(latency).toBeLessThan(1000);

      const [stored] = await withDb(
        async (db) =>
          (
            await db.query<{ headers: [string, string][]; receivedAt: Date }>(
              `SELECT headers, received_at AS "receivedAt" FROM events WHERE id = $1`,
              [eventId],
            )
          ).rows,
      );
      const [{ id: deliveryId }] = (await eventOf(eventId)).deliveries;
      expect(id).toBe(`${deliveryId}:1`);
      expect(delivery).toEqual({
        deliveryId,
        attempt: 1,
        eventId,
        method: 'PUT',
        path: '/orders/42',
        query: 'x=1&y=%20two',
        headers: stored.headers,
        body: body.toString('base64'),
        receivedAt: stored.receivedAt.toISOString(),
        respondBy: null,
      });
      expect(delivery.headers).toContainEqual(['X-Custom', 'kept']);
      expect(Buffer.from(delivery.body, 'base64').equals(body)).toBe(true);
      // The ingest URL itself has no path after the slug.
      await ingest(source.slug);
      expect((await nextCliDelivery(cli)).delivery.path).toBe('');
    });

    it('records a reported 200 like any attempt: the delivery succeeds', async () => {
      const { source, destinationId } = await listening();
      const cli = await connectCli(server, destinationId);
      const { id: eventId } = await ingest(source.slug, { path: '/a?b=1' });
      const { delivery } = await nextCliDelivery(cli);
      const result = await reported(delivery.deliveryId, {
        attempt: 1,
        url: 'http://localhost:3000/hooks/a?b=1',
        statusCode: 200,
        durationMs: 37,
        responseHeaders: { 'Content-Type': 'application/json', 'X-Local': 'yes' },
        responseBody: Buffer.from('{"ok":true}').toString('base64'),
      });
      expect(result).toEqual({
        deliveryId: delivery.deliveryId,
        attempt: 1,
        status: 'succeeded',
        nextAttemptAt: null,
      });
      const detail = await deliveryOf(delivery.deliveryId);
      expect(detail.status).toBe('succeeded');
      expect(detail.attempts).toEqual([
        expect.objectContaining({
          n: 1,
          url: 'http://localhost:3000/hooks/a?b=1',
          statusCode: 200,
          durationMs: 37,
          error: null,
          responseHeaders: { 'content-type': 'application/json', 'x-local': 'yes' },
          responseBody: '{"ok":true}',
          requestHeaders: expect.objectContaining({ 'content-type': 'application/json' }),
        }),
      ]);
      expect((await eventOf(eventId)).deliveries[0]).toMatchObject({
        status: 'succeeded',
        lastStatusCode: 200,
      });
      expect((await destinationOf(destinationId)).recentAttempts).toMatchObject({
        attempts: 1,
        succeeded: 1,
      });
    });

    it('retries a failed attempt on the schedule: the stream sends it again as attempt 2, then 3, then it is dead', async () => {
      const { source, destinationId } = await listening();
      const patched = await server.api(`/api/v1/destinations/${destinationId}`, {
        method: 'PATCH',
        json: { retry: { maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 1000 } },
      });
      expect(patched.status).toBe(200);
      const cli = await connectCli(server, destinationId);
      await ingest(source.slug);
      const first = await nextCliDelivery(cli);
      const failed = await reported(first.delivery.deliveryId, {
        attempt: 1,
        statusCode: 503,
        responseBody: Buffer.from('down').toString('base64'),
      });
      expect(failed).toMatchObject({ status: 'failed', nextAttemptAt: expect.any(String) });

      const second = await nextCliDelivery(cli, 3000);
      expect(second.id).toBe(`${first.delivery.deliveryId}:2`);
      expect(second.delivery).toMatchObject({
        deliveryId: first.delivery.deliveryId,
        attempt: 2,
        body: first.delivery.body,
      });
      expect(Date.parse(failed.nextAttemptAt ?? '')).toBeLessThanOrEqual(Date.now() + 50);
      const refused = await reported(first.delivery.deliveryId, {
        attempt: 2,
        statusCode: null,
        responseHeaders: null,
        responseBody: null,
        error: 'connect ECONNREFUSED 127.0.0.1:3000',
        errorKind: 'connection_refused',
      });
      expect(refused.status).toBe('failed');

      const third = await nextCliDelivery(cli, 3000);
      expect(third.delivery.attempt).toBe(3);
      expect(
        await reported(first.delivery.deliveryId, { attempt: 3, statusCode: 500 }),
      ).toMatchObject({ status: 'dead', nextAttemptAt: null });

      const detail = await deliveryOf(first.delivery.deliveryId);
      expect(detail.status).toBe('dead');
      expect(detail.attempts.map((a) => [a.n, a.statusCode, a.errorKind])).toEqual([
        [1, 503, null],
        [2, null, 'connection_refused'],
        [3, 500, null],
      ]);
      expect((await destinationOf(destinationId)).consecutiveFailures).toBe(3);
    });

    it('sends what waited while no stream was open when one opens, oldest first', async () => {
      const { source, destinationId } = await listening();
      const events: string[] = [];
      for (let i = 0; i < 3; i++)
        events.push((await ingest(source.slug, { body: `{"n":${i}}` })).id);
      expect(
        (await session(source.slug, { clientId: await clientIdOf(destinationId) })).pending,
      ).toBe(3);
      await sleep(400);
      // Nobody sent them meanwhile.
      for (const eventId of events) {
        expect((await eventOf(eventId)).deliveries[0].status).toBe('scheduled');
      }
      const cli = await connectCli(server, destinationId);
      const got = [];
      for (let i = 0; i < 3; i++) got.push((await nextCliDelivery(cli)).delivery.eventId);
      expect(got).toEqual(events);
    });

    it('gives an unreported delivery back when the stream closes: a reconnect gets it at once', async () => {
      const { source, destinationId } = await listening();
      const first = await connectCli(server, destinationId);
      await ingest(source.slug);
      const { delivery } = await nextCliDelivery(first);
      expect((await deliveryOf(delivery.deliveryId)).status).toBe('delivering');
      first.close();
      await eventually(
        async () => (await deliveryOf(delivery.deliveryId)).status === 'scheduled',
        3000,
        'the delivery given back',
      );
      const started = Date.now();
      const again = await connectCli(server, destinationId);
      const resent = await nextCliDelivery(again, 2000);
      expect(resent.id).toBe(`${delivery.deliveryId}:1`);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('does not resend the attempt named by Last-Event-ID while its report is on its way', async () => {
      const { source, destinationId } = await listening();
      const first = await connectCli(server, destinationId);
      await ingest(source.slug);
      const { id, delivery } = await nextCliDelivery(first);
      first.close();
      await eventually(
        async () => (await deliveryOf(delivery.deliveryId)).status === 'scheduled',
        3000,
        'the delivery given back',
      );
      // The CLI reconnects right away; its report of the attempt it got comes in just after.
      const again = await connectCli(server, destinationId, id ?? '');
      await sleep(800);
      expect(unreadCliDeliveries(again)).toEqual([]);
      expect(await reported(delivery.deliveryId, { attempt: 1 })).toMatchObject({
        status: 'succeeded',
      });
      // New events still come.
      await ingest(source.slug);
      const next = await nextCliDelivery(again);
      expect(next.delivery.deliveryId).not.toBe(delivery.deliveryId);
      await sleep(300);
      expect(unreadCliDeliveries(again)).toEqual([]);
    });

    it('does not resend a reported attempt to a CLI reconnecting with its Last-Event-ID', async () => {
      const { source, destinationId } = await listening();
      const first = await connectCli(server, destinationId);
      await ingest(source.slug);
      const { id, delivery } = await nextCliDelivery(first);
      await reported(delivery.deliveryId, { attempt: 1 });
      first.close();
      await ingest(source.slug);
      const again = await connectCli(server, destinationId, id ?? '');
      const next = await nextCliDelivery(again);
      expect(next.delivery.deliveryId).not.toBe(delivery.deliveryId);
      await sleep(600);
      expect(unreadCliDeliveries(again)).toEqual([]);
    });

    it('with newOnly, cancels what waited: only new events arrive', async () => {
      const { source, destinationId } = await listening();
      const waited = [(await ingest(source.slug)).id, (await ingest(source.slug)).id];
      const clientId = await clientIdOf(destinationId);
      const resumed = await session(source.slug, { clientId, newOnly: true });
      expect(resumed).toMatchObject({ destinationId, pending: 0, cancelled: 2 });
      for (const eventId of waited) {
        expect((await eventOf(eventId)).deliveries[0].status).toBe('cancelled');
      }
      const cli = await connectCli(server, destinationId);
      const { id: fresh } = await ingest(source.slug);
      expect((await nextCliDelivery(cli)).delivery.eventId).toBe(fresh);
      await sleep(300);
      expect(unreadCliDeliveries(cli)).toEqual([]);
    });

    it('says whether the CLI is connected, and since when it was seen', async () => {
      const { destinationId } = await listening();
      expect((await destinationOf(destinationId)).cli).toMatchObject({
        connected: false,
        lastSeenAt: null,
      });
      const cli = await connectCli(server, destinationId);
      const open = (await destinationOf(destinationId)).cli;
      expect(open?.connected).toBe(true);
      expect(Date.now() - Date.parse(open?.lastSeenAt ?? '')).toBeLessThan(5000);
      cli.close();
      await eventually(
        async () => (await destinationOf(destinationId)).cli?.connected === false,
        3000,
        'the CLI shown offline',
      );
      expect((await destinationOf(destinationId)).cli?.lastSeenAt).not.toBeNull();
    });

    it('shows a CLI whose stream closed in another process offline at once, one still open there connected', async () => {
      const other = await startServer({}, { withoutRedis });
      try {
        const { destinationId } = await listening();
        const first = await connectCli(other, destinationId);
        const second = await connectCli(other, destinationId);
        // This process has no stream of the CLI: only what the other one wrote tells.
        expect((await destinationOf(destinationId)).cli?.connected).toBe(true);
        first.close();
        await sleep(500);
        expect((await destinationOf(destinationId)).cli?.connected).toBe(true);
        second.close();
        await eventually(
          async () => (await destinationOf(destinationId)).cli?.connected === false,
          3000,
          'the CLI shown offline by the process that had no stream of it',
        );
      } finally {
        await other.close();
      }
    });

    it('forgets the open streams of a process that died once nobody saw the CLI for 30 s', async () => {
      const { destinationId } = await listening();
      const died = (seenSecondsAgo: number) =>
        withDb((db) =>
          db.query(
            `UPDATE destinations SET cli_streams = 2, cli_last_seen_at = now() - make_interval(secs => $2)
             WHERE id = $1`,
            [destinationId, seenSecondsAgo],
          ),
        );
      await died(5);
      expect((await destinationOf(destinationId)).cli?.connected).toBe(true);
      await died(31);
      expect((await destinationOf(destinationId)).cli?.connected).toBe(false);
      // A stream opened now counts from 1: once it closes, the CLI is offline at once.
      const cli = await connectCli(server, destinationId);
      cli.close();
      await eventually(
        async () => (await destinationOf(destinationId)).cli?.connected === false,
        3000,
        'the CLI shown offline',
      );
      const [row] = await withDb(
        async (db) =>
          (
            await db.query<{ streams: number }>(
              `SELECT cli_streams AS streams FROM destinations WHERE id = $1`,
              [destinationId],
            )
          ).rows,
      );
      expect(row.streams).toBe(0);
    });

    it('ends the stream when its destination is deleted, here or by another process', async () => {
      const within = async (ms: number, what: string, ended: Promise<void>) => {
        let timer: NodeJS.Timeout | undefined;
        const open = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve(`still open after ${ms} ms: ${what}`), ms);
        });
        try {
          return await Promise.race([ended.then(() => 'ended'), open]);
        } finally {
          clearTimeout(timer);
        }
      };
      const viaApi = await listening();
      const bySql = await listening();
      const apiCli = await connectCli(server, viaApi.destinationId);
      const sqlCli = await connectCli(server, bySql.destinationId);
      expect((await server.api(`/api/v1/destinations/${viaApi.destinationId}`)).status).toBe(200);

      const deleted = await server.api(`/api/v1/destinations/${viaApi.destinationId}`, {
        method: 'DELETE',
      });
      expect(deleted.status).toBe(204);
      expect(await within(3000, 'deleted through the API', apiCli.ended)).toBe('ended');
      // The other CLI's stream is untouched by a change that is not its own.
      expect(await within(1500, 'the other stream', sqlCli.ended)).toMatch(/still open/);

      // Another process's delete reaches this one through PostgreSQL's notification.
      await withDb((db) =>
        db.query(`UPDATE destinations SET deleted_at = now() WHERE id = $1`, [bySql.destinationId]),
      );
      expect(await within(3000, 'deleted in SQL', sqlCli.ended)).toBe('ended');

      // The CLI's reconnection finds no destination, and registers again.
      const again = await server.api(`/api/v1/cli/destinations/${viaApi.destinationId}/deliveries`);
      expect(again.status).toBe(404);
    });

    it('keeps a test event sent to a CLI destination for its CLI', async () => {
      const { destinationId } = await listening();
      const test = await post<{ deliveryId: string }>(
        `/api/v1/destinations/${destinationId}/test`,
        {},
        202,
      );
      const cli = await connectCli(server, destinationId);
      const { delivery } = await nextCliDelivery(cli);
      expect(delivery).toMatchObject({ deliveryId: test.deliveryId, method: 'POST', path: '' });
      expect(JSON.parse(Buffer.from(delivery.body, 'base64').toString())).toMatchObject({
        type: 'hookyard.test',
      });
    });
  });

  describe('POST /api/v1/cli/deliveries/:id/attempts', () => {
    it('refuses a second report (409), another attempt number (409), an unknown delivery (404) and bad input (400)', async () => {
      const { source, destinationId } = await listening();
      const cli = await connectCli(server, destinationId);
      await ingest(source.slug);
      const { delivery } = await nextCliDelivery(cli);

      expect((await report(delivery.deliveryId, { attempt: 2 })).status).toBe(409);
      expect((await report(randomUUID(), { attempt: 1 })).status).toBe(404);
      expect((await report(delivery.deliveryId, { attempt: 0 })).status).toBe(400);
      expect(
        (await report(delivery.deliveryId, { attempt: 1, statusCode: null, error: null })).status,
      ).toBe(400);
      expect((await report(delivery.deliveryId, { attempt: 1, responseBody: '%%%' })).status).toBe(
        400,
      );

      expect((await report(delivery.deliveryId, { attempt: 1 })).status).toBe(200);
      const duplicate = await report(delivery.deliveryId, { attempt: 1, statusCode: 500 });
      expect(duplicate.status).toBe(409);
      expect(((await duplicate.json()) as { message: string }).message).toMatch(/reported already/);
      const detail = await deliveryOf(delivery.deliveryId);
      expect(detail.attempts).toHaveLength(1);
      expect(detail.status).toBe('succeeded');
    });

    it("refuses a report for an HTTP destination's delivery", async () => {
      const t = await Target.start();
      targets.push(t);
      const source = await createSource();
      const http = await post<DestinationResponse>('/api/v1/destinations', {
        name: 'CI',
        url: t.url(),
      });
      await post('/api/v1/connections', { sourceId: source.id, destinationId: http.id });
      const { id: eventId } = await ingest(source.slug);
      const [{ id }] = (await eventOf(eventId)).deliveries;
      expect((await report(id, { attempt: 1 })).status).toBe(409);
    });
  });

  describe('workers', () => {
    it("never send a CLI destination's deliveries, even to a URL they could reach", async () => {
      const t = await Target.start();
      targets.push(t);
      const source = await createSource();
      const http = await post<DestinationResponse>('/api/v1/destinations', {
        name: 'CI',
        url: t.url('/http'),
      });
      await post('/api/v1/connections', { sourceId: source.id, destinationId: http.id });
      const cli = await session(source.slug, { forwardTo: t.url('/cli') });

      const { id: eventId } = await ingest(source.slug);
      await post(`/api/v1/destinations/${cli.destinationId}/test`, {}, 202);
      // Past several sweeps (every 300 ms here) and database-transport polls.
      await eventually(async () => t.received.length === 1, 5000, 'the HTTP delivery');
      await sleep(1500);
      expect(t.received.map((r) => r.url)).toEqual(['/http']);
      const byDestination = Object.fromEntries(
        (await eventOf(eventId)).deliveries.map((d) => [d.destinationId, d.status]),
      );
      expect(byDestination).toEqual({ [http.id]: 'succeeded', [cli.destinationId]: 'scheduled' });
    });
  });

  describe('passthrough', () => {
    const slackBody = JSON.stringify({ type: 'event_callback', event: { type: 'app_mention' } });

    async function slackListening(timeoutMs: number) {
      const source = await createSource({
        verification: { type: 'slack', secrets: [SLACK_SECRET] },
        passthrough: { timeoutMs },
      });
      expect(await get(`/api/v1/sources/${source.id}`)).toMatchObject({
        passthrough: { timeoutMs },
      });
      const cli = await session(source.slug);
      return { source, destinationId: cli.destinationId };
    }

    function fromSlack(slug: string, body = slackBody) {
      return fetch(`${server.url}/in/${slug}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...sign.slack(SLACK_SECRET, body) },
        body,
      });
    }

    it("answers the provider with the CLI's response when it is reported in time", async () => {
      const { source, destinationId } = await slackListening(3000);
      const cli = await connectCli(server, destinationId);
      const answered = fromSlack(source.slug);
      const { delivery } = await nextCliDelivery(cli);
      expect(Date.parse(delivery.respondBy ?? '')).toBe(Date.parse(delivery.receivedAt) + 3000);
      await reported(delivery.deliveryId, {
        attempt: 1,
        statusCode: 200,
        responseHeaders: {
          'Content-Type': 'application/json',
          'X-Local': 'yes',
          'Content-Length': '999',
          Connection: 'close',
        },
        responseBody: Buffer.from('{"text":"hi from localhost"}').toString('base64'),
      });
      const res = await answered;
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('x-local')).toBe('yes');
      // The reported length (999) is not the body's: the body's own goes out.
      expect(res.headers.get('content-length')).toBe('28');
      expect(await res.text()).toBe('{"text":"hi from localhost"}');
    });

    it('answers a reported 204 without a body or a length', async () => {
      const { source, destinationId } = await slackListening(3000);
      const cli = await connectCli(server, destinationId);
      const answered = fromSlack(source.slug);
      const { delivery } = await nextCliDelivery(cli);
      await reported(delivery.deliveryId, {
        attempt: 1,
        statusCode: 204,
        responseHeaders: { 'Content-Length': '0' },
        responseBody: '',
      });
      const res = await answered;
      expect(res.status).toBe(204);
      expect(res.headers.get('content-length')).toBeNull();
      expect(await res.text()).toBe('');
    });

    it('answers with a reported error status too, but 202 when the CLI got no answer', async () => {
      const { source, destinationId } = await slackListening(3000);
      const cli = await connectCli(server, destinationId);

      const first = fromSlack(source.slug);
      const one = await nextCliDelivery(cli);
      await reported(one.delivery.deliveryId, {
        attempt: 1,
        statusCode: 500,
        responseBody: Buffer.from('boom').toString('base64'),
      });
      expect((await first).status).toBe(500);

      const second = fromSlack(source.slug);
      const two = await nextCliDelivery(cli);
      await reported(two.delivery.deliveryId, {
        attempt: 1,
        statusCode: null,
        responseHeaders: null,
        responseBody: null,
        error: 'connect ECONNREFUSED',
        errorKind: 'connection_refused',
      });
      const res = await second;
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ id: two.delivery.eventId });
    });

    it('answers 202 when the response does not come within the wait', async () => {
      const { source, destinationId } = await slackListening(400);
      const started = Date.now();
      // No CLI is listening.
      const res = await fromSlack(source.slug);
      const waited = Date.now() - started;
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      expect(waited).toBeGreaterThanOrEqual(350);
      expect(waited).toBeLessThan(2000);
      // The delivery still waits for the CLI; a late report counts, for the timeline.
      const cli = await connectCli(server, destinationId);
      const { delivery } = await nextCliDelivery(cli);
      expect(delivery).toMatchObject({ eventId: id, respondBy: null });
      expect((await reported(delivery.deliveryId, { attempt: 1 })).status).toBe('succeeded');
    });

    it('never holds a handshake', async () => {
      const { source } = await slackListening(3000);
      const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123' });
      const started = Date.now();
      const res = await fromSlack(source.slug, body);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('c-123');
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });
});

/** The installation id a destination was registered with. */
async function clientIdOf(destinationId: string): Promise<string> {
  const [row] = await withDb(
    async (db) =>
      (
        await db.query<{ clientId: string }>(
          `SELECT cli_client_id AS "clientId" FROM destinations WHERE id = $1`,
          [destinationId],
        )
      ).rows,
  );
  return row.clientId;
}
