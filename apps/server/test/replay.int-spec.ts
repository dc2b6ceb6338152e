import { Webhook } from 'standardwebhooks';
import type { DeliveryDetailResponse, EventResponse } from '@hookyard/contracts';
import { startServer, truncateAll, withDb, type TestServer } from './helpers';
import { eventually, Target } from './target';

/** Small enough that an oversized edit is cheap to send. */
const MAX_BODY_BYTES = 4096;

let server: TestServer;
const targets: Target[] = [];

beforeAll(async () => {
  server = await startServer({ HOOKYARD_MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
});
afterAll(() => server.close());
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

const eventOf = (id: string) => get<EventResponse>(`/api/v1/events/${id}`);
const deliveryOf = (id: string) => get<DeliveryDetailResponse>(`/api/v1/deliveries/${id}`);
const replay = (eventId: string, json: unknown) =>
  post<{ deliveryId: string }>(`/api/v1/events/${eventId}/replay`, json, 202);

async function settled(deliveryId: string, status: string): Promise<DeliveryDetailResponse> {
  return eventually(
    async () => {
      const d = await deliveryOf(deliveryId);
      return d.status === status ? d : undefined;
    },
    10_000,
    `delivery ${deliveryId} to be ${status}`,
  );
}

/** One stored event from a source with no destination: replays are the only deliveries. */
async function storedEvent(body: string, headers: Record<string, string>): Promise<string> {
  const slug = `s${Math.random().toString(36).slice(2, 8)}`;
  await post('/api/v1/sources', { name: 'Src', slug, maxBodyBytes: MAX_BODY_BYTES });
  const res = await fetch(`${server.url}/in/${slug}/orders?x=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/** The destination stored with each attempt of a delivery, in attempt order. */
async function attemptDestinations(deliveryId: string): Promise<(string | null)[]> {
  return withDb(async (c) => {
    const { rows } = await c.query<{ destinationId: string | null }>(
      `SELECT destination_id AS "destinationId" FROM attempts WHERE delivery_id = $1 ORDER BY n`,
      [deliveryId],
    );
    return rows.map((r) => r.destinationId);
  });
}

async function destination(url: string, fields: Record<string, unknown> = {}): Promise<string> {
  const d = await post<{ id: string }>('/api/v1/destinations', {
    name: 'Dst',
    url,
    retry: { maxAttempts: 2, initialDelayMs: 200, maxDelayMs: 1000 },
    timeoutMs: 2000,
    ...fields,
  });
  return d.id;
}

const ORIGINAL_BODY = '{"order":1,"total":"9.99"}';

describe('edit and replay', () => {
  it('sends the edited headers and body exactly, and leaves the stored event as received', async () => {
    const t = await target();
    const eventId = await storedEvent(ORIGINAL_BODY, { 'X-Original': 'kept in the event' });
    const before = await eventOf(eventId);

    const { deliveryId } = await replay(eventId, {
      url: t.url('/edited'),
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Edited': 'yes' },
      body: 'total: 0.00 ✓',
    });
    const delivery = await settled(deliveryId, 'succeeded');

    expect(t.received).toHaveLength(1);
    const [got] = t.received;
    expect(got.method).toBe('POST');
    expect(got.body.toString('utf8')).toBe('total: 0.00 ✓');
    expect(got.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(got.headers['x-edited']).toBe('yes');
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength('total: 0.00 ✓')));
    expect(got.headers).not.toHaveProperty('x-original');
    expect(got.headers['x-hookyard-event-id']).toBe(eventId);

    expect(delivery.edited).toBe(true);
    expect(delivery.override).toEqual({
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Edited': 'yes' },
      body: 'total: 0.00 ✓',
      bodyEncoding: 'utf8',
    });
    expect(delivery.attempts[0].requestHeaders).toMatchObject({ 'X-Edited': 'yes' });

    const after = await eventOf(eventId);
    expect(after.body).toBe(ORIGINAL_BODY);
    expect(after.headers).toEqual(before.headers);
    expect(after.headers).toMatchObject({ 'X-Original': 'kept in the event' });
    const [row] = await withDb(async (c) => {
      const result = await c.query<{ body: Buffer }>('SELECT body FROM events WHERE id = $1', [
        eventId,
      ]);
      return result.rows;
    });
    expect(row.body.equals(Buffer.from(ORIGINAL_BODY))).toBe(true);
  });

  it('sends base64 bytes as they are, and keeps the stored headers when only the body is edited', async () => {
    const t = await target();
    const eventId = await storedEvent(ORIGINAL_BODY, { 'X-Original': 'yes' });
    const bytes = Buffer.from([0xff, 0x00, 0x01, 0x80, 0x7f]);

    const { deliveryId } = await replay(eventId, {
      url: t.url(),
      body: bytes.toString('base64'),
      bodyEncoding: 'base64',
    });
    const delivery = await settled(deliveryId, 'succeeded');

    expect(t.received[0].body.equals(bytes)).toBe(true);
    expect(t.received[0].headers['x-original']).toBe('yes');
    expect(delivery.override).toEqual({
      headers: null,
      body: bytes.toString('base64'),
      bodyEncoding: 'base64',
    });
  });

  it('marks a plain replay as not edited', async () => {
    const t = await target();
    const eventId = await storedEvent(ORIGINAL_BODY, {});

    const { deliveryId } = await replay(eventId, { url: t.url() });
    const delivery = await settled(deliveryId, 'succeeded');

    expect(delivery).toMatchObject({ edited: false, override: null });
    expect(t.received[0].body.toString()).toBe(ORIGINAL_BODY);
    // An ad-hoc URL has no destination: its attempt counts for none in the stats.
    expect(await attemptDestinations(deliveryId)).toEqual([null]);
  });

  it('sends the same edit again on every retry of the edited delivery', async () => {
    const t = await target(Target.statuses(503, 200));
    const destinationId = await destination(t.url());
    const eventId = await storedEvent(ORIGINAL_BODY, {});
    const edit = { headers: { 'X-Edited': 'again' }, body: '{"order":1,"retried":true}' };

    const { deliveryId } = await replay(eventId, { destinationId, ...edit });
    // Attempt 1 gets a 503; the schedule's attempt 2 succeeds.
    await settled(deliveryId, 'succeeded');
    // A manual retry of the succeeded delivery is attempt 3.
    await post(`/api/v1/deliveries/${deliveryId}/retry`, {}, 202);
    const delivery = await eventually(async () => {
      const d = await deliveryOf(deliveryId);
      return d.attempts.length === 3 && d.status === 'succeeded' ? d : undefined;
    });

    expect(delivery.attempts.map((a) => a.statusCode)).toEqual([503, 200, 200]);
    expect(t.received).toHaveLength(3);
    for (const got of t.received) {
      expect(got.body.toString()).toBe(edit.body);
      expect(got.headers['x-edited']).toBe('again');
    }
    expect(t.received.map((r) => r.headers['x-hookyard-attempt'])).toEqual(['1', '2', '3']);
    // Failed and succeeded attempts (stored by different statements) carry the destination.
    expect(await attemptDestinations(deliveryId)).toEqual([
      destinationId,
      destinationId,
      destinationId,
    ]);
  });

  it('signs the edited body for a destination with a signing secret', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const t = await target();
    const destinationId = await destination(t.url(), { signingSecret: secret });
    const eventId = await storedEvent(ORIGINAL_BODY, {});
    const edited = '{"order":1,"total":"0.00"}';

    const { deliveryId } = await replay(eventId, {
      destinationId,
      // A stale signature in the edit is replaced, never forwarded.
      headers: { 'Content-Type': 'application/json', 'webhook-signature': 'v1,c3RhbGU=' },
      body: edited,
    });
    await settled(deliveryId, 'succeeded');

    const [got] = t.received;
    expect(got.body.toString()).toBe(edited);
    expect(got.headers['webhook-signature']).not.toBe('v1,c3RhbGU=');
    const headers = Object.fromEntries(
      Object.entries(got.headers).map(([name, value]) => [name, String(value)]),
    );
    expect(new Webhook(secret).verify(edited, headers)).toEqual(JSON.parse(edited));
    expect(() => new Webhook(secret).verify(ORIGINAL_BODY, headers)).toThrow();
  });

  it('refuses bad edits and unknown targets with clear messages, and creates no delivery', async () => {
    const t = await target();
    const eventId = await storedEvent(ORIGINAL_BODY, {});
    const unknown = crypto.randomUUID();
    const cases: [unknown, string, number, string][] = [
      [
        { url: t.url(), headers: { 'Bad Name': 'x' } },
        eventId,
        400,
        'headers.Bad Name: must be a valid HTTP header name',
      ],
      [
        { url: t.url(), headers: { 'X-Evil': 'a\r\nX-Injected: 1' } },
        eventId,
        400,
        'headers.X-Evil: must not contain line breaks',
      ],
      [
        { url: t.url(), body: 'not base64!', bodyEncoding: 'base64' },
        eventId,
        400,
        'body: must be valid base64',
      ],
      [
        { url: t.url(), body: 'x'.repeat(MAX_BODY_BYTES + 1) },
        eventId,
        413,
        `body: must be at most ${MAX_BODY_BYTES} bytes (HOOKYARD_MAX_BODY_BYTES)`,
      ],
      [
        {
          url: t.url(),
          body: Buffer.alloc(MAX_BODY_BYTES + 1).toString('base64'),
          bodyEncoding: 'base64',
        },
        eventId,
        413,
        `body: must be at most ${MAX_BODY_BYTES} bytes (HOOKYARD_MAX_BODY_BYTES)`,
      ],
      [{ body: 'x' }, eventId, 400, 'body: needs exactly one of "destinationId" or "url"'],
      [{ url: t.url(), body: 'x' }, unknown, 404, `Event ${unknown} not found`],
      [{ destinationId: unknown, body: 'x' }, eventId, 404, `Destination ${unknown} not found`],
    ];

    for (const [json, id, status, message] of cases) {
      const res = await server.api(`/api/v1/events/${id}/replay`, { method: 'POST', json });
      expect({ status: res.status, body: await res.json() }).toEqual({
        status,
        body: { statusCode: status, error: expect.any(String), message },
      });
    }
    // Larger than the management API takes at all (1 MiB of JSON).
    const huge = await server.api(`/api/v1/events/${eventId}/replay`, {
      method: 'POST',
      json: { url: t.url(), body: 'x'.repeat(1024 * 1024) },
    });
    expect(huge.status).toBe(413);

    const deliveries = await withDb(async (c) => (await c.query('SELECT id FROM deliveries')).rows);
    expect(deliveries).toHaveLength(0);
    expect(t.received).toHaveLength(0);
  });
});
