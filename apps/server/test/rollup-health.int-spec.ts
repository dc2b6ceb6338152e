import { randomUUID } from 'node:crypto';
import type {
  DeliveryCounts,
  DeliveryStatus,
  DestinationResponse,
  EventSummary,
  Page,
  StreamMessage,
} from '@hookyard/contracts';
import { startServer, truncateAll, withDb, type TestServer } from './helpers';
import { connect } from './sse';
import { eventually, Target } from './target';

let server: TestServer;
const targets: Target[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => truncateAll());
afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
});

// Through whichever server the current block started.
const post = <T>(path: string, json: unknown, expected?: number) =>
  server.post<T>(path, json, expected);
const get = <T>(path: string) => server.get<T>(path);

const createDestination = (input: Record<string, unknown> = {}) =>
  post<DestinationResponse>('/api/v1/destinations', {
    name: 'Dst',
    url: 'http://127.0.0.1:9/hook',
    ...input,
  });

/**
 * A source fanned out to `fanOut` paused destinations: its events' deliveries stay scheduled
 * until a test sets their status, so no worker races the counts.
 */
async function sourceWith(fanOut: number): Promise<string> {
  const slug = `s${randomUUID().slice(0, 8)}`;
  const source = await post<{ id: string }>('/api/v1/sources', { name: 'Src', slug });
  for (let i = 0; i < fanOut; i++) {
    const destination = await createDestination({ paused: true });
    await post('/api/v1/connections', { sourceId: source.id, destinationId: destination.id });
  }
  return slug;
}

async function ingest(slug: string): Promise<string> {
  const res = await fetch(`${server.url}/in/${slug}`, { method: 'POST', body: '{}' });
  if (res.status !== 202) throw new Error(`ingest: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Gives an event's deliveries these statuses, one each (which gets which does not matter). */
async function setStatuses(eventId: string, statuses: DeliveryStatus[]): Promise<void> {
  await withDb(async (db) => {
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM deliveries WHERE event_id = $1 ORDER BY id`,
      [eventId],
    );
    expect(rows).toHaveLength(statuses.length);
    for (const [i, { id }] of rows.entries()) {
      await db.query(`UPDATE deliveries SET status = $2 WHERE id = $1`, [id, statuses[i]]);
    }
  });
}

const counts = (c: Partial<DeliveryCounts>): DeliveryCounts => ({
  total: 0,
  pending: 0,
  succeeded: 0,
  failed: 0,
  dead: 0,
  cancelled: 0,
  ...c,
});

const listEvents = (query = '') => get<Page<EventSummary>>(`/api/v1/events${query}`);
const countsById = (page: Page<EventSummary>) =>
  Object.fromEntries(page.data.map((e) => [e.id, e.deliveryCounts]));

describe('the delivery roll-up of listed events', () => {
  it('counts every event’s deliveries by status, exactly, with none for an event without', async () => {
    const none = await ingest(await sourceWith(0));
    const one = await ingest(await sourceWith(1));
    const mixed = await ingest(await sourceWith(7));
    await setStatuses(one, ['succeeded']);
    await setStatuses(mixed, [
      'scheduled',
      'delivering',
      'succeeded',
      'succeeded',
      'failed',
      'dead',
      'cancelled',
    ]);

    const page = await listEvents();

    expect(page.data.map((e) => e.id)).toEqual([mixed, one, none]);
    expect(countsById(page)).toEqual({
      [none]: counts({}),
      [one]: counts({ total: 1, succeeded: 1 }),
      [mixed]: counts({ total: 7, pending: 2, succeeded: 2, failed: 1, dead: 1, cancelled: 1 }),
    });
  });

  it('pages through events, not through their deliveries, with the same counts on every page', async () => {
    const slug = await sourceWith(3);
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push(await ingest(slug));
    await setStatuses(created[1], ['dead', 'dead', 'succeeded']);
    await setStatuses(created[5], ['failed', 'cancelled', 'delivering']);
    const all = countsById(await listEvents('?limit=200'));

    const pages: Page<EventSummary>[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<EventSummary> = await listEvents(
        `?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 10);

    expect(pages.map((p) => p.data.length)).toEqual([3, 3, 1]);
    const walked = pages.flatMap((p) => p.data.map((e) => e.id));
    expect(walked).toEqual([...created].reverse());
    expect(Object.assign({}, ...pages.map(countsById))).toEqual(all);
    expect(all[created[1]]).toEqual(counts({ total: 3, succeeded: 1, dead: 2 }));
    expect(all[created[5]]).toEqual(counts({ total: 3, pending: 1, failed: 1, cancelled: 1 }));
    expect(all[created[0]]).toEqual(counts({ total: 3, pending: 3 }));
  });

  it('announces a new event on the stream with its deliveries, all scheduled', async () => {
    const client = await connect(server);
    const slug = await sourceWith(2);

    const id = await ingest(slug);

    type Created = Extract<StreamMessage, { type: 'event.created' }>;
    const announced = await client.nextMessage<Created>('event.created', id);
    expect(announced.deliveryCounts).toEqual(counts({ total: 2, pending: 2 }));
    client.close();
  });
});

describe('the recent success rate of destinations', () => {
  /** Records attempts of one delivery of `destinationId` directly: statuses, durations, ages. */
  async function recordAttempts(
    destinationId: string,
    attempts: { statusCode: number | null; durationMs: number; hoursAgo: number }[],
  ): Promise<void> {
    const slug = `a${randomUUID().slice(0, 8)}`;
    await post('/api/v1/sources', { name: 'Src', slug });
    const eventId = await ingest(slug);
    await withDb(async (db) => {
      const deliveryId = randomUUID();
      await db.query(
        `INSERT INTO deliveries (id, event_id, destination_id, status, attempt_count)
         VALUES ($1, $2, $3, 'failed', $4)`,
        [deliveryId, eventId, destinationId, attempts.length],
      );
      for (const [i, a] of attempts.entries()) {
        await db.query(
          `INSERT INTO attempts (id, delivery_id, n, at, url, request_headers, status_code, duration_ms,
                                 destination_id)
           VALUES ($1, $2, $3, now() - make_interval(mins => $4), 'http://127.0.0.1:9/hook', '{}', $5, $6, $7)`,
          [
            randomUUID(),
            deliveryId,
            i + 1,
            Math.round(a.hoursAgo * 60),
            a.statusCode,
            a.durationMs,
            destinationId,
          ],
        );
      }
    });
  }

  it('counts the attempts of the last 24 hours only, 2xx as success, in the list and one by one', async () => {
    const busy = await createDestination({ name: 'Busy', paused: true });
    const stale = await createDestination({ name: 'Stale', paused: true });
    await createDestination({ name: 'Idle' });
    await recordAttempts(busy.id, [
      { statusCode: 200, durationMs: 40, hoursAgo: 1 },
      { statusCode: 299, durationMs: 10, hoursAgo: 2 },
      { statusCode: 204, durationMs: 60, hoursAgo: 23.5 },
      { statusCode: 300, durationMs: 30, hoursAgo: 3 },
      { statusCode: 503, durationMs: 20, hoursAgo: 4 },
      { statusCode: null, durationMs: 50, hoursAgo: 5 },
      { statusCode: 200, durationMs: 9000, hoursAgo: 25 },
      { statusCode: 500, durationMs: 9000, hoursAgo: 48 },
    ]);
    await recordAttempts(stale.id, [
      { statusCode: 200, durationMs: 100, hoursAgo: 24.5 },
      { statusCode: 500, durationMs: 100, hoursAgo: 30 },
    ]);

    const list = await get<Page<DestinationResponse>>('/api/v1/destinations');
    const byName = Object.fromEntries(list.data.map((d) => [d.name, d.recentAttempts]));

    expect(byName.Busy).toEqual({
      windowHours: 24,
      attempts: 6,
      succeeded: 3,
      successRate: 0.5,
      p50DurationMs: 30,
    });
    const none = {
      windowHours: 24,
      attempts: 0,
      succeeded: 0,
      successRate: null,
      p50DurationMs: null,
    };
    expect(byName.Stale).toEqual(none);
    expect(byName.Idle).toEqual(none);
    const one = await get<DestinationResponse>(`/api/v1/destinations/${busy.id}`);
    expect(one.recentAttempts).toEqual(byName.Busy);
    const patched = await server.api(`/api/v1/destinations/${busy.id}`, {
      method: 'PATCH',
      json: { name: 'Busier' },
    });
    expect(((await patched.json()) as DestinationResponse).recentAttempts).toEqual(byName.Busy);
  });

  it('counts the attempts the worker records, succeeded and failed', async () => {
    const ok = await Target.start(Target.statuses(200));
    const failing = await Target.start(Target.statuses(503));
    targets.push(ok, failing);
    const destination = await createDestination({ url: ok.url() });
    // A failure is recorded by another statement than a success (one transaction, with health).
    const broken = await createDestination({ name: 'Broken', url: failing.url() });
    const slug = `w${randomUUID().slice(0, 8)}`;
    const source = await post<{ id: string }>('/api/v1/sources', { name: 'Src', slug });
    await post('/api/v1/connections', { sourceId: source.id, destinationId: destination.id });
    await post('/api/v1/connections', { sourceId: source.id, destinationId: broken.id });

    await ingest(slug);

    const recentOf = (id: string) =>
      eventually(
        async () => {
          const d = await get<DestinationResponse>(`/api/v1/destinations/${id}`);
          return d.recentAttempts.attempts > 0 && d.recentAttempts;
        },
        10_000,
        'the attempt to be counted',
      );
    expect(await recentOf(destination.id)).toEqual({
      windowHours: 24,
      attempts: 1,
      succeeded: 1,
      successRate: 1,
      p50DurationMs: expect.any(Number),
    });
    expect(await recentOf(broken.id)).toEqual({
      windowHours: 24,
      attempts: 1,
      succeeded: 0,
      successRate: 0,
      p50DurationMs: expect.any(Number),
    });
  });
});
