import { startServer, truncateAll, withDb, type TestServer } from './helpers';
import { countStatements } from './statement-counter';
import { Target, eventually } from './target';

/**
 * Group commit on the real ingest path: concurrent requests share INSERT statements, each is
 * answered after its statement commits, and a request whose write fails gets a 5xx while its
 * group neighbours are stored and answered.
 */
let server: TestServer;
let target: Target;
let groups: Awaited<ReturnType<typeof countStatements>>;

beforeAll(async () => {
  server = await startServer();
  target = await Target.start();
  // Rows per INSERT statement on events.
  groups = await countStatements([['events', 'INSERT']]);
  await withDb(async (c) => {
    // A path that makes any statement holding it fail.
    await c.query(`CREATE OR REPLACE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.path = '/poison' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$`);
    await c.query(`CREATE OR REPLACE TRIGGER test_poison BEFORE INSERT ON events
      FOR EACH ROW EXECUTE FUNCTION test_poison()`);
  });
});

afterAll(async () => {
  await withDb(async (c) => {
    await c.query(`DROP TRIGGER IF EXISTS test_poison ON events`);
  });
  await groups.remove();
  await target.close();
  await server.close();
});

beforeEach(async () => {
  await truncateAll();
  await groups.reset();
});

async function wiredSource(slug: string): Promise<void> {
  const post = async (path: string, json: unknown) => {
    const res = await server.api(path, { method: 'POST', json });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  };
  const source = await post('/api/v1/sources', { name: slug, slug });
  const destination = await post('/api/v1/destinations', { name: slug, url: target.url() });
  await post('/api/v1/connections', { sourceId: source.id, destinationId: destination.id });
}

const ingest = (slug: string, path: string, body: string) =>
  fetch(`${server.url}/in/${slug}${path}`, { method: 'POST', body });

it('stores concurrent requests in shared statements, each with its deliveries', async () => {
  await wiredSource('batch');
  const responses = await Promise.all(
    Array.from({ length: 60 }, (_, i) => ingest('batch', `/n${i}`, `{"n":${i}}`)),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(60).fill(202));
  const ids = await Promise.all(
    responses.map(async (r) => ((await r.json()) as { id: string }).id),
  );
  const sizes = await groups.rows('events');
  const stored = {
    ...(await withDb(async (c) => {
      const events = await c.query(`SELECT id FROM events WHERE id = ANY($1::uuid[])`, [ids]);
      const deliveries = await c.query(`SELECT count(*)::int AS n FROM deliveries`);
      return { events: events.rowCount, deliveries: deliveries.rows[0].n };
    })),
    largest: Math.max(...sizes),
    rows: sizes.reduce((sum, n) => sum + n, 0),
  };
  console.log('60 concurrent requests, largest INSERT group:', stored.largest);
  expect(stored).toMatchObject({ events: 60, deliveries: 60, rows: 60 });
  expect(stored.largest).toBeGreaterThan(1);
  await eventually(() => target.received.length >= 60, 15_000);
});

it('answers a request whose statement failed with a 5xx, and stores and answers its neighbours', async () => {
  await wiredSource('mixed');
  const paths = Array.from({ length: 40 }, (_, i) => (i === 17 ? '/poison' : `/ok${i}`));
  const responses = await Promise.all(paths.map((p, i) => ingest('mixed', p, `{"i":${i}}`)));
  const statuses = responses.map((r) => r.status);
  expect(statuses[17]).toBe(500);
  expect(statuses.filter((s) => s === 202)).toHaveLength(39);
  const ids = await Promise.all(
    responses
      .filter((r) => r.status === 202)
      .map(async (r) => ((await r.json()) as { id: string }).id),
  );
  const rows = await withDb(async (c) => {
    const events = await c.query(`SELECT path FROM events WHERE id = ANY($1::uuid[])`, [ids]);
    const poisoned = await c.query(`SELECT count(*)::int AS n FROM events WHERE path = '/poison'`);
    return { stored: events.rowCount, poisoned: poisoned.rows[0].n };
  });
  expect(rows).toEqual({ stored: 39, poisoned: 0 });
});

it('answers duplicates in a group, of stored events and of each other, with the first event', async () => {
  await server.post('/api/v1/sources', {
    name: 'Deduped',
    slug: 'deduped',
    dedupe: { mode: 'header', header: 'X-Request-Id' },
  });
  const send = (key: string) =>
    fetch(`${server.url}/in/deduped`, {
      method: 'POST',
      headers: { 'x-request-id': key },
      body: `{"key":"${key}"}`,
    });
  const stored = await send('k-stored');
  expect(stored.status).toBe(202);
  const { id: storedId } = (await stored.json()) as { id: string };
  await groups.reset();

  // 30 new keys, the stored one 5 times, and k-0…k-4 once more each: all at once.
  const keys = [
    ...Array.from({ length: 30 }, (_, i) => `k-${i}`),
    ...Array(5).fill('k-stored'),
    ...Array.from({ length: 5 }, (_, i) => `k-${i}`),
  ];
  const answers = await Promise.all(
    keys.map(async (key) => {
      const res = await send(key);
      return { key, status: res.status, ...((await res.json()) as { id: string }) };
    }),
  );
  expect(answers.every((a) => a.status === 202 || a.status === 200)).toBe(true);
  const idsByKey = new Map<string, Set<string>>();
  for (const a of answers) idsByKey.set(a.key, (idsByKey.get(a.key) ?? new Set()).add(a.id));
  // One event per key, whoever asked: the stored one's id for its repeats.
  expect([...idsByKey.values()].every((ids) => ids.size === 1)).toBe(true);
  expect([...(idsByKey.get('k-stored') ?? [])]).toEqual([storedId]);
  expect(answers.filter((a) => a.status === 202)).toHaveLength(30);

  const counts = {
    events: await withDb(
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM events`)).rows[0].n,
    ),
    statements: (await groups.rows('events')).filter((n) => n > 0).length,
  };
  expect(counts.events).toBe(31);
  // Groups with a duplicate are written again with ON CONFLICT, not row by row.
  expect(counts.statements).toBeLessThan(30);
});
