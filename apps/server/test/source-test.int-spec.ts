import { createHmac } from 'node:crypto';
import type { EventResponse, SourceTestResponse } from '@hookyard/contracts';
import { startServer, truncateAll, type TestServer } from './helpers';
import { eventually, Target } from './target';

/** `POST /api/v1/sources/{id}/test`: the dashboard's `Send test event` on a source. */
let server: TestServer;
let target: Target;

beforeAll(async () => {
  server = await startServer();
  target = await Target.start();
});
afterAll(async () => {
  await target.close();
  await server.close();
});
beforeEach(() => truncateAll());

async function sourceTo(url: string | null, fields: Record<string, unknown>) {
  const slug = `t${Math.random().toString(36).slice(2, 8)}`;
  const source = await server.post<{ id: string }>('/api/v1/sources', {
    name: 'Test',
    slug,
    ...fields,
  });
  if (url !== null) {
    const destination = await server.post<{ id: string }>('/api/v1/destinations', {
      name: 'Target',
      url,
    });
    await server.post('/api/v1/connections', {
      sourceId: source.id,
      destinationId: destination.id,
    });
  }
  return source;
}

const sendTest = (id: string) => server.api(`/api/v1/sources/${id}/test`, { method: 'POST' });

async function tested(id: string): Promise<SourceTestResponse> {
  const res = await sendTest(id);
  expect(res.status).toBe(200);
  return (await res.json()) as SourceTestResponse;
}

describe('POST /api/v1/sources/{id}/test', () => {
  it("sends a test event signed with the source's secret: verified, stored and forwarded", async () => {
    const secret = 'gh-secret';
    const source = await sourceTo(target.url('/gh'), {
      verification: { type: 'github', secrets: [secret] },
    });
    const before = target.received.length;

    const result = await tested(source.id);
    expect(result).toEqual({
      eventId: expect.any(String),
      statusCode: 202,
      body: { id: result.eventId },
    });

    const event = await server.get<EventResponse>(`/api/v1/events/${result.eventId}`);
    expect(event.status).toBe('accepted');
    expect(event.sourceId).toBe(source.id);
    await eventually(() => target.received.length > before, 5000, 'the forwarded test event');
    const received = target.received[before];
    const signature = `sha256=${createHmac('sha256', secret).update(received.body).digest('hex')}`;
    expect(received.headers['x-hub-signature-256']).toBe(signature);
    expect(received.headers['x-github-event']).toBe('ping');
    expect(JSON.parse(received.body.toString('utf8'))).toMatchObject({ type: 'hookyard.test' });
    expect(received.headers['x-hookyard-event-id']).toBe(result.eventId);
  });

  it('makes a new event on every press: tests are not taken for duplicates', async () => {
    const source = await sourceTo(null, {
      verification: { type: 'stripe', secrets: ['whsec_stripe_test'] },
    });
    const first = await tested(source.id);
    const second = await tested(source.id);
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    expect(second.eventId).not.toBe(first.eventId);
  });

  it('is not held to the IP allowlist, but is to the rate limit (no event when it refuses)', async () => {
    const source = await sourceTo(null, {
      allowedIps: ['203.0.113.7'],
      rateLimitPerSecond: 1,
    });
    expect((await tested(source.id)).statusCode).toBe(202);
    const limited = await tested(source.id);
    expect(limited).toMatchObject({ eventId: null, statusCode: 429 });
  });

  it('answers 404 for an unknown source, 400 for a bad id and 401 without a token', async () => {
    const unknown = await sendTest('7b3e5c1e-9a2f-4d6b-8c1a-2f3e4d5c6b7a');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect((await sendTest('not-a-uuid')).status).toBe(400);
    const anonymous = await fetch(`${server.url}/api/v1/sources/${'0'.repeat(8)}/test`, {
      method: 'POST',
    });
    expect(anonymous.status).toBe(401);
  });
});
