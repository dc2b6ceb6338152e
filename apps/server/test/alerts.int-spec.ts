import { Webhook } from 'standardwebhooks';
import { startServer, truncateAll, type TestServer } from './helpers';
import { eventually, Target } from './target';

const ALERT_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let server: TestServer;
let alerts: Target;
let failing: Target;

beforeAll(async () => {
  alerts = await Target.start();
  failing = await Target.start(Target.statuses(500));
  server = await startServer({
    HOOKYARD_ALERT_URL: alerts.url('/alerts'),
    HOOKYARD_ALERT_SECRET: ALERT_SECRET,
    HOOKYARD_DISABLE_AFTER_FAILURES: '3',
    HOOKYARD_REDIS_PREFIX: `alerts-${process.pid}`,
  });
});
afterAll(async () => {
  await server.close();
  await alerts.close();
  await failing.close();
});
beforeEach(() => truncateAll());

async function post<T>(path: string, json: unknown): Promise<T> {
  const res = await server.api(path, { method: 'POST', json });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as T;
}

/** What these tests read of an alert's payload (`delivery.dead` or `destination.disabled`). */
interface Alert {
  delivery: Record<string, unknown>;
  event: Record<string, unknown> & { headers: [string, string][] };
  lastAttempt: Record<string, unknown>;
  destination: Record<string, unknown> & { disabledReason: string };
}

function verifiedAlert(type: string): Alert | undefined {
  const found = alerts.received.find((r) => JSON.parse(r.body.toString()).type === type);
  if (!found) return undefined;
  return new Webhook(ALERT_SECRET).verify(found.body.toString(), {
    'webhook-id': String(found.headers['webhook-id']),
    'webhook-timestamp': String(found.headers['webhook-timestamp']),
    'webhook-signature': String(found.headers['webhook-signature']),
  }) as Alert;
}

it('notifies the operator, signed, when a delivery goes dead and when a run of failures disables a destination', async () => {
  const source = await post<{ id: string }>('/api/v1/sources', { name: 'Shop', slug: 'shop' });
  const destination = await post<{ id: string }>('/api/v1/destinations', {
    name: 'Orders service',
    url: failing.url('/orders'),
    retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 200 },
  });
  await post('/api/v1/connections', { sourceId: source.id, destinationId: destination.id });
  const res = await fetch(`${server.url}/in/shop`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Shopify-Topic': 'orders/create' },
    body: '{"order":42}',
  });
  const { id: eventId } = (await res.json()) as { id: string };

  const dead = await eventually(
    () => verifiedAlert('delivery.dead'),
    15_000,
    'a delivery.dead alert',
  );
  console.log('alert received:', JSON.stringify(dead).slice(0, 300));
  expect(dead.delivery).toMatchObject({
    eventId,
    destinationId: destination.id,
    status: 'dead',
    attemptCount: 3,
  });
  expect(dead.event).toMatchObject({
    id: eventId,
    source: { slug: 'shop' },
    bodyExcerpt: '{"order":42}',
  });
  expect(dead.event.headers).toContainEqual(['X-Shopify-Topic', 'orders/create']);
  expect(dead.lastAttempt).toMatchObject({
    n: 3,
    statusCode: 500,
    responseBodyExcerpt: 'status 500',
  });

  const disabled = await eventually(
    () => verifiedAlert('destination.disabled'),
    15_000,
    'a destination.disabled alert',
  );
  expect(disabled.destination).toMatchObject({ id: destination.id, consecutiveFailures: 3 });
  expect(disabled.destination.disabledReason).toContain('3 consecutive failed attempts');
  expect(disabled.event).toMatchObject({ id: eventId });

  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  expect(metrics).toContain(
    'hookyard_delivery_attempts_total{destination="Orders service",outcome="failed"} 2',
  );
  expect(metrics).toContain(
    'hookyard_delivery_attempts_total{destination="Orders service",outcome="dead"} 1',
  );
  expect(metrics).toMatch(/^hookyard_deliveries_dead 1$/m);
  expect(metrics).toMatch(/^hookyard_delivery_queue_depth \d+$/m);
  expect(metrics).toMatch(
    /^hookyard_delivery_attempt_duration_seconds_count\{outcome="dead"\} 1$/m,
  );
});
