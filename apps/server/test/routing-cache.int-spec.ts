import { startServer, truncateAll, withDb, type TestServer } from './helpers';
import { sign } from './signing';
import { Target, eventually } from './target';

/**
 * Ingest keeps each source and its routes in memory. Two processes (two servers on one
 * database) show that a change made anywhere reaches every cache at once: through this
 * process's own writes, or PostgreSQL's NOTIFY for the others' and for SQL by hand. The
 * cache's 5 s expiry is only a safety net, so every check here must pass well inside it.
 */
let a: TestServer;
let b: TestServer;
let target: Target;

beforeAll(async () => {
  [a, b] = await Promise.all([startServer(), startServer()]);
  target = await Target.start();
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await target.close();
});
beforeEach(() => truncateAll());

const BODY = '{"action":"cached"}';

const post = (server: TestServer, slug: string, secret: string) =>
  fetch(`${server.url}/in/${slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...sign.github(secret, BODY) },
    body: BODY,
  });

/** Polls `server` until its answer has `status`; returns how long that took. */
async function answersWithin(
  server: TestServer,
  slug: string,
  secret: string,
  status: number,
): Promise<number> {
  const started = Date.now();
  await eventually(async () => (await post(server, slug, secret)).status === status, 2_000);
  return Date.now() - started;
}

const FAST_MS = 1_500;

/** A GitHub-verified source, created through `server`'s API. */
const createSource = (server: TestServer, slug: string, secret: string) =>
  server.post<{ id: string }>('/api/v1/sources', {
    name: slug,
    slug,
    verification: { type: 'github', secrets: [secret] },
  });

const setSecret = (server: TestServer, id: string, secret: string) =>
  server.api(`/api/v1/sources/${id}`, {
    method: 'PATCH',
    json: { verification: { type: 'github', secrets: [secret] } },
  });

describe('routing cache', () => {
  it('sees a source created, changed and deleted by this process at once', async () => {
    expect((await post(a, 'local', 'one')).status).toBe(404);
    const source = await createSource(a, 'local', 'one');
    expect((await post(a, 'local', 'one')).status).toBe(202);

    const patched = await setSecret(a, source.id, 'two');
    expect(patched.status).toBe(200);
    expect((await post(a, 'local', 'one')).status).toBe(401);
    expect((await post(a, 'local', 'two')).status).toBe(202);

    expect((await a.api(`/api/v1/sources/${source.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await post(a, 'local', 'two')).status).toBe(404);
  });

  it("sees another process's change to a source's secret within moments", async () => {
    const source = await createSource(a, 'shared', 'old-secret');
    expect((await post(b, 'shared', 'old-secret')).status).toBe(202); // b has it cached now

    await setSecret(a, source.id, 'new-secret');
    expect(await answersWithin(b, 'shared', 'new-secret', 202)).toBeLessThan(FAST_MS);
    expect((await post(b, 'shared', 'old-secret')).status).toBe(401);
  });

  it('stops queueing to a destination another process paused, and picks up a new connection', async () => {
    const source = await createSource(a, 'routed', 's');
    expect((await post(b, 'routed', 's')).status).toBe(202); // cached with no routes
    const destination = await a.post<{ id: string }>('/api/v1/destinations', {
      name: 'Target',
      url: target.url('/routed'),
    });
    await a.post('/api/v1/connections', { sourceId: source.id, destinationId: destination.id });

    const before = target.received.length;
    const started = Date.now();
    await eventually(async () => {
      await post(b, 'routed', 's');
      return target.received.length > before;
    }, 2_000);
    expect(Date.now() - started).toBeLessThan(FAST_MS);

    await a.api(`/api/v1/destinations/${destination.id}`, {
      method: 'PATCH',
      json: { paused: true },
    });
    // Once b knows, its events' deliveries wait (scheduled) instead of being sent.
    const waited = await eventually(async () => {
      const res = await post(b, 'routed', 's');
      const { id } = (await res.json()) as { id: string };
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { rows } = await withDb((c) =>
        c.query(`SELECT status, attempt_count FROM deliveries WHERE event_id = $1`, [id]),
      );
      return rows[0]?.status === 'scheduled' && rows[0]?.attempt_count === 0 ? Date.now() : false;
    }, 3_000);
    expect(waited - started).toBeLessThan(5_000);
  });

  it('sees SQL by hand (soft delete, truncate) in every process', async () => {
    await createSource(a, 'by-hand', 's');
    expect((await post(a, 'by-hand', 's')).status).toBe(202);
    expect((await post(b, 'by-hand', 's')).status).toBe(202);

    await withDb((c) => c.query(`UPDATE sources SET deleted_at = now() WHERE slug = 'by-hand'`));
    expect(await answersWithin(a, 'by-hand', 's', 404)).toBeLessThan(FAST_MS);
    expect(await answersWithin(b, 'by-hand', 's', 404)).toBeLessThan(FAST_MS);

    // A new source under the same slug after a TRUNCATE: the old one's id must not linger.
    await createSource(a, 'again', 's');
    expect((await post(b, 'again', 's')).status).toBe(202);
    await truncateAll();
    await createSource(b, 'again', 's2');
    expect(await answersWithin(a, 'again', 's2', 202)).toBeLessThan(FAST_MS);
  });
});
