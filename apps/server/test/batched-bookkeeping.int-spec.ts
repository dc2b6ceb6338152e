import {
  DeliveriesRepository,
  LEASE_MARGIN_MS,
  type AttemptRecord,
  type ClaimedDelivery,
} from '../src/modules/deliveries/deliveries.repository';
import { startServer, truncateAll, withDb, type TestServer } from './helpers';
import { countStatements } from './statement-counter';

/**
 * Workers' claims and their records of successful attempts that arrive together share one
 * statement each. Statement-level triggers count the rows of every UPDATE of `deliveries` and
 * every INSERT into `attempts`. No worker runs here (role api): the test is the worker.
 */
let server: TestServer;
let repo: DeliveriesRepository;
let counter: Awaited<ReturnType<typeof countStatements>>;

beforeAll(async () => {
  server = await startServer({ HOOKYARD_ROLE: 'api' });
  repo = server.app.get(DeliveriesRepository);
  counter = await countStatements([
    ['deliveries', 'UPDATE'],
    ['attempts', 'INSERT'],
  ]);
});

afterAll(async () => {
  await counter.remove();
  await server.close();
});

const COUNT = 30;
let destinationId: string;
let deliveryIds: string[];

beforeEach(async () => {
  await truncateAll();
  const source = await server.post<{ id: string }>('/api/v1/sources', {
    name: 'Batched',
    slug: 'batched',
  });
  ({ id: destinationId } = await server.post<{ id: string }>('/api/v1/destinations', {
    name: 'Nowhere',
    url: 'http://127.0.0.1:9/',
  }));
  await server.post('/api/v1/connections', { sourceId: source.id, destinationId });
  for (let i = 0; i < COUNT; i++) {
    const res = await fetch(`${server.url}/in/batched/n${i}`, {
      method: 'POST',
      body: `{"n":${i}}`,
    });
    expect(res.status).toBe(202);
  }
  deliveryIds = await withDb(async (c) =>
    (await c.query(`SELECT id FROM deliveries ORDER BY id`)).rows.map((r) => r.id),
  );
  expect(deliveryIds).toHaveLength(COUNT);
  await counter.reset();
});

const statements = async (tbl: string) => {
  const rows = await counter.rows(tbl);
  return {
    statements: rows.length,
    rows: rows.reduce((sum, n) => sum + n, 0),
    largest: Math.max(0, ...rows),
  };
};

const claimAll = () => Promise.all(deliveryIds.map((id) => repo.claim(id, 1, LEASE_MARGIN_MS)));

const success = (c: ClaimedDelivery): AttemptRecord => ({
  deliveryId: c.delivery.id,
  n: 1,
  at: new Date(),
  url: 'http://127.0.0.1:9/',
  requestHeaders: { 'content-type': 'application/json' },
  statusCode: 200,
  durationMs: 3,
  error: null,
  errorKind: null,
  responseHeaders: { 'content-length': '2' },
  responseBody: Buffer.from('ok'),
  responseBodyTruncated: false,
  status: 'succeeded',
  nextAttemptAt: null,
});

const health = { succeeded: true, disableNow: null, disableAfter: 20 };

it('claims concurrent deliveries in shared statements, each with its event and destination', async () => {
  const claimed = (await claimAll()).filter((c) => c !== null);
  expect(claimed).toHaveLength(COUNT);
  for (const [i, c] of claimed.entries()) {
    expect(c.delivery).toMatchObject({ id: deliveryIds[i], status: 'delivering' });
    expect(c.event.id).toBe(c.delivery.eventId);
    expect(c.event.body.toString()).toMatch(/^\{"n":\d+\}$/);
    expect(c.destination?.id).toBe(destinationId);
  }
  const claims = await statements('deliveries');
  console.log(`${COUNT} concurrent claims in ${claims.statements} statement(s)`);
  expect(claims).toMatchObject({ rows: COUNT });
  expect(claims.statements).toBeLessThan(COUNT / 2);

  // Claimed already: nothing more to take.
  expect((await claimAll()).every((c) => c === null)).toBe(true);
});

it('gives a delivery asked for twice in one group to one claim only', async () => {
  const [twice, ...others] = deliveryIds;
  // The first claim runs alone; the rest wait for it and form the next group, twice included.
  const all = await Promise.all([
    ...others.map((id) => repo.claim(id, 1, LEASE_MARGIN_MS)),
    repo.claim(twice, 1, LEASE_MARGIN_MS),
    repo.claim(twice, 1, LEASE_MARGIN_MS),
  ]);
  expect(all.filter((c) => c?.delivery.id === twice)).toHaveLength(1);
  const taken = all.flatMap((c) => (c ? [c.delivery.id] : []));
  expect(new Set(taken).size).toBe(COUNT);
});

it('records concurrent successes in shared statements, resets the failure count, and records a repeat nowhere', async () => {
  const claimed = (await claimAll()) as ClaimedDelivery[];
  await withDb((c) => c.query(`UPDATE destinations SET consecutive_failures = 3`));

  const results = await Promise.all(
    claimed.map((c) => repo.recordAttempt(success(c), { destinationId, ...health })),
  );
  expect(results).toEqual(Array(COUNT).fill({ recorded: true, destinationDisabled: false }));
  const inserts = await statements('attempts');
  console.log(`${COUNT} concurrent successes in ${inserts.statements} statement(s)`);
  expect(inserts.rows).toBe(COUNT);
  expect(inserts.statements).toBeLessThan(COUNT / 2);

  const state = await withDb(async (c) => ({
    deliveries: (
      await c.query(`SELECT status, attempt_count, lease_until, last_status_code FROM deliveries`)
    ).rows,
    failures: (await c.query(`SELECT consecutive_failures FROM destinations`)).rows[0]
      .consecutive_failures,
    attempts: (await c.query(`SELECT count(*)::int AS n FROM attempts`)).rows[0].n,
  }));
  expect(state.deliveries).toEqual(
    Array(COUNT).fill({
      status: 'succeeded',
      attempt_count: 1,
      lease_until: null,
      last_status_code: 200,
    }),
  );
  expect(state).toMatchObject({ failures: 0, attempts: COUNT });

  // A second record of attempt 1 (a worker that raced the first) records nothing.
  expect(await repo.recordAttempt(success(claimed[0]), { destinationId, ...health })).toEqual({
    recorded: false,
    destinationDisabled: false,
  });
  expect(
    await withDb(async (c) => (await c.query(`SELECT count(*)::int AS n FROM attempts`)).rows[0].n),
  ).toBe(COUNT);
});

it('records every field of grouped successes exactly as sent and answered', async () => {
  const claimed = (await claimAll()) as ClaimedDelivery[];
  // Bytes that are not UTF-8, header text with quotes, backslashes and non-ASCII, and a time
  // with milliseconds: a grouped record carries them through JSON and base64.
  const body = (i: number) => Buffer.from([0, 255, 254, 0x5c, 0x22, i, 10, 13, 0xc3]);
  const records = claimed.map((c, i) => ({
    ...success(c),
    at: new Date(Date.UTC(2026, 10, 24, 12, 0, 0, i)),
    url: `http://127.0.0.1:9/path?q="x\\y"&n=${i}`,
    requestHeaders: { 'x-quote': `"a\\b" ${i}`, 'x-latin': 'café ☕' },
    statusCode: 201 + (i % 3),
    durationMs: i,
    responseHeaders: { 'x-echo': `{"json":"looking"} ${i}` },
    responseBody: i === 0 ? null : body(i),
    responseBodyTruncated: i % 2 === 0,
  }));
  await Promise.all(records.map((r) => repo.recordAttempt(r, { destinationId, ...health })));
  expect((await statements('attempts')).statements).toBeLessThan(COUNT / 2);

  const stored = await withDb(
    async (c) =>
      (
        await c.query(
          `SELECT delivery_id, at, url, request_headers, status_code, duration_ms, error, error_kind,
                  response_headers, response_body, response_body_truncated
           FROM attempts ORDER BY duration_ms`,
        )
      ).rows,
  );
  expect(stored).toEqual(
    records.map((r) => ({
      delivery_id: r.deliveryId,
      at: r.at,
      url: r.url,
      request_headers: r.requestHeaders,
      status_code: r.statusCode,
      duration_ms: r.durationMs,
      error: null,
      error_kind: null,
      response_headers: r.responseHeaders,
      response_body: r.responseBody,
      response_body_truncated: r.responseBodyTruncated,
    })),
  );
});
