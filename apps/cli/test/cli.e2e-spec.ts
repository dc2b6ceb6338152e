import type {
  DeliveryDetailResponse,
  DestinationResponse,
  EventResponse,
  EventSummary,
  Page,
  SourceResponse,
} from '@hookyard/contracts';
import { verify } from '@hookyard/signatures';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CliProcess,
  eventually,
  freePort,
  killAll,
  runCli,
  startHookyard,
  Target,
  type Hookyard,
} from './support';

/**
 * The built CLI (`nx build cli`) against the built server (`nx build server`), both real
 * processes: standalone Hookyard on a fresh data folder, local targets on loopback.
 */
let dataDir: string;
let configHome: string;
let hookyard: Hookyard;
const listeners: CliProcess[] = [];
const targets: Target[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hookyard-cli-e2e-'));
  configHome = mkdtempSync(join(tmpdir(), 'hookyard-cli-config-'));
  hookyard = await startHookyard(dataDir, await freePort());
}, 180_000);

afterEach(async () => {
  await Promise.all(listeners.splice(0).map((cli) => cli.kill()));
  await Promise.all(targets.splice(0).map((target) => target.close()));
});

afterAll(async () => {
  await hookyard?.stop();
  killAll();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(configHome, { recursive: true, force: true });
}, 60_000);

/** The CLI's environment: its own config folder, and the server unless a test says otherwise. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: configHome,
    XDG_CONFIG_HOME: configHome,
    NO_COLOR: '1',
    HOOKYARD_URL: hookyard.url,
    HOOKYARD_TOKEN: hookyard.token,
    ...extra,
  };
}

function listen(args: string[], extra: NodeJS.ProcessEnv = {}): CliProcess {
  const cli = new CliProcess(['listen', ...args], env(extra));
  listeners.push(cli);
  return cli;
}

async function target(port?: number): Promise<Target> {
  const started = await Target.start(port);
  targets.push(started);
  return started;
}

let slugs = 0;
async function createSource(
  verification: { type: string; secrets?: string[] } = { type: 'none' },
): Promise<SourceResponse> {
  const slug = `cli${++slugs}-${randomUUID().slice(0, 6)}`;
  return hookyard.api<SourceResponse>('/api/v1/sources', {
    method: 'POST',
    json: { name: slug, slug, verification },
  });
}

/** Sends a request to a source's ingest URL; resolves with the event id. */
async function ingest(
  slug: string,
  body: string,
  options: { suffix?: string; headers?: Record<string, string> } = {},
): Promise<string> {
  const res = await fetch(`${hookyard.url}/in/${slug}${options.suffix ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function deliveryOf(eventId: string): Promise<DeliveryDetailResponse | undefined> {
  const event = await hookyard.api<EventResponse>(`/api/v1/events/${eventId}`);
  const summary = event.deliveries[0];
  return summary && hookyard.api<DeliveryDetailResponse>(`/api/v1/deliveries/${summary.id}`);
}

async function deliveryWithStatus(
  eventId: string,
  status: string,
  timeoutMs = 15_000,
): Promise<DeliveryDetailResponse> {
  return eventually(
    async () => {
      const delivery = await deliveryOf(eventId);
      return delivery?.status === status ? delivery : undefined;
    },
    timeoutMs,
    `the delivery of ${eventId} to be ${status}`,
  );
}

/** One line on stderr, nothing on stdout, exit status 1. */
function expectOneLineError(result: { code: number | null; stdout: string; stderr: string }) {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
}

describe('login', () => {
  const configFile = () => join(configHome, 'hookyard', 'config.json');

  it('refuses a token the server refuses, in one line, and stores nothing', async () => {
    const result = await runCli(
      ['login', '--url', hookyard.url, '--token', 'wrong'],
      env({ HOOKYARD_URL: '', HOOKYARD_TOKEN: '' }),
    );
    expectOneLineError(result);
    expect(result.stderr).toContain(`The token was refused by ${hookyard.url} (401)`);
    expect(() => statSync(configFile())).toThrow();
  });

  it('says in one line when the URL is wrong or nothing answers there', async () => {
    const bad = await runCli(['login', '--url', 'not a url', '--token', 't'], env());
    expectOneLineError(bad);
    expect(bad.stderr).toContain('"not a url" is not a URL');
    const port = await freePort();
    const down = await runCli(
      ['login', '--url', `http://127.0.0.1:${port}`, '--token', 't'],
      env(),
    );
    expectOneLineError(down);
    expect(down.stderr.trim()).toBe(
      `Cannot reach Hookyard at http://127.0.0.1:${port}: connection refused`,
    );
  });

  it('keeps url, token and a stable client id in a file only the user can read, used by the other commands', async () => {
    const noEnv = env({ HOOKYARD_URL: '', HOOKYARD_TOKEN: '' });
    const result = await runCli(
      ['login', '--url', `${hookyard.url}/`, '--token', hookyard.token],
      noEnv,
    );
    expect(result.code).toBe(0);
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(configFile(), 'utf8'));
    expect(stored).toEqual({
      url: hookyard.url,
      token: hookyard.token,
      clientId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
    });
    // The stored settings are what `sources` uses when no variable is set.
    const sources = await runCli(['sources', '--json'], noEnv);
    expect(sources.code).toBe(0);
    expect(JSON.parse(sources.stdout)).toEqual(expect.any(Array));
    // Logging in again keeps the installation's client id; the variables override the file.
    await runCli(['login', '--url', hookyard.url, '--token', hookyard.token], noEnv);
    expect(JSON.parse(readFileSync(configFile(), 'utf8')).clientId).toBe(stored.clientId);
    const overridden = await runCli(['sources'], env({ HOOKYARD_TOKEN: 'wrong' }));
    expectOneLineError(overridden);
    expect(overridden.stderr).toContain('(401)');
  });
});

describe('sources and events', () => {
  it('print machine-readable JSON and nothing else with --json', async () => {
    const source = await createSource();
    const ids = [await ingest(source.slug, '{"n":1}'), await ingest(source.slug, '{"n":2}')];
    const sources = await runCli(['sources', '--json'], env());
    expect(sources.code).toBe(0);
    expect((JSON.parse(sources.stdout) as SourceResponse[]).map((s) => s.slug)).toContain(
      source.slug,
    );
    const events = await runCli(
      ['events', '--source', source.slug, '--limit', '5', '--json'],
      env(),
    );
    expect(events.code).toBe(0);
    expect(events.stderr).toBe('');
    expect((JSON.parse(events.stdout) as EventSummary[]).map((e) => e.id)).toEqual(
      [...ids].reverse(),
    );
    const limited = await runCli(
      ['events', '--source', source.id, '--limit', '1', '--json'],
      env(),
    );
    expect((JSON.parse(limited.stdout) as EventSummary[]).map((e) => e.id)).toEqual([ids[1]]);
  });

  it('print tables for people', async () => {
    const source = await createSource();
    const id = await ingest(source.slug, '{}', { suffix: '/orders' });
    const events = await runCli(['events', '--source', source.slug], env());
    expect(events.stdout).toMatch(/^RECEIVED\s+EVENT ID\s+SOURCE\s+REQUEST\s+STATUS\s+DELIVERIES/);
    expect(events.stdout).toContain(id);
    expect(events.stdout).toContain(source.slug);
    const sources = await runCli(['sources'], env());
    expect(sources.stdout).toContain(source.ingestUrl);
  });

  it('say in one line that a source is unknown', async () => {
    const result = await runCli(['events', '--source', 'no-such-source'], env());
    expectOneLineError(result);
    expect(result.stderr).toContain('Unknown source "no-such-source"');
  });
});

describe('listen', () => {
  it("forwards each event to the local URL with the provider's request, prints it, and reports the attempt", async () => {
    const source = await createSource();
    const local = await target();
    const cli = listen([source.slug, '--forward-to', local.url('/hooks')]);
    await cli.ready();
    const eventId = await ingest(source.slug, '{"order":7}', {
      suffix: '/orders?id=7',
      headers: { 'x-custom': 'kept', 'x-multi': 'a' },
    });

    const received = await eventually(() => local.received[0], 15_000, 'the local request');
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/hooks/orders?id=7');
    expect(received.headers['x-custom']).toBe('kept');
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers.host).toBe(`127.0.0.1:${local.port}`);
    expect(received.body.toString()).toBe('{"order":7}');

    const line = await eventually(() => cli.stdout.find((l) => l.includes(eventId)));
    expect(line).toMatch(
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d  POST /orders\\?id=7  200  \\d+ ms  ${eventId}$`),
    );

    const delivery = await deliveryWithStatus(eventId, 'succeeded');
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({
      url: local.url('/hooks/orders?id=7'),
      statusCode: 200,
      error: null,
      responseBody: 'answered 200',
    });
    expect(delivery.attempts[0].responseHeaders?.['x-target']).toBe('yes');
  });

  it('loses nothing sent while it was down: a restarted CLI gets it, each event once', async () => {
    const source = await createSource();
    const local = await target();
    const first = listen([source.slug, '--forward-to', local.url()]);
    await first.ready();
    const before = await ingest(source.slug, '{"n":1}');
    await deliveryWithStatus(before, 'succeeded');
    await first.kill();

    const whileDown = [await ingest(source.slug, '{"n":2}'), await ingest(source.slug, '{"n":3}')];
    const second = listen([source.slug, '--forward-to', local.url()]);
    expect(await second.status(/^Ready: /)).toContain('(2 waiting, oldest first)');
    for (const id of whileDown) await deliveryWithStatus(id, 'succeeded');
    expect(local.bodies()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it('with --new-only, skips what waited and forwards what comes next', async () => {
    const source = await createSource();
    const local = await target();
    const first = listen([source.slug, '--forward-to', local.url()]);
    await first.ready();
    await first.kill();
    const waited = await ingest(source.slug, '{"old":true}');

    const second = listen([source.slug, '--forward-to', local.url(), '--new-only']);
    expect(await second.status(/^Ready: /)).toContain('(skipped 1 that waited)');
    const fresh = await ingest(source.slug, '{"new":true}');
    await deliveryWithStatus(fresh, 'succeeded');
    expect((await deliveryOf(waited))?.status).toBe('cancelled');
    expect(local.bodies()).toEqual(['{"new":true}']);
  });

  it('reports a local target that is down as a failed attempt and goes on listening', async () => {
    const source = await createSource();
    const port = await freePort();
    const cli = listen([source.slug, '--forward-to', `http://127.0.0.1:${port}/hooks`]);
    await cli.ready();
    const refused = await ingest(source.slug, '{"n":1}');
    const failed = await deliveryWithStatus(refused, 'failed');
    expect(failed.attempts[0]).toMatchObject({
      statusCode: null,
      errorKind: 'connection_refused',
      error: `connection refused by 127.0.0.1:${port}`,
    });
    expect(cli.stdout.find((l) => l.includes(refused))).toContain(
      `failed (connection refused by 127.0.0.1:${port})`,
    );

    // The app comes up: the next event arrives, and the failed one on its retry.
    const local = await target(port);
    const next = await ingest(source.slug, '{"n":2}');
    await deliveryWithStatus(next, 'succeeded');
    const retried = await deliveryWithStatus(refused, 'succeeded', 20_000);
    expect(retried.attempts.map((a) => a.statusCode)).toEqual([null, 200]);
    expect(local.bodies().sort()).toEqual(['{"n":1}', '{"n":2}']);
  });

  it('serves several sources at once, each to its own local URL', async () => {
    const [a, b] = [await createSource(), await createSource()];
    const [localA, localB] = [await target(), await target()];
    const cli = listen([
      '--source',
      a.slug,
      '--forward-to',
      localA.url('/a'),
      '--source',
      b.slug,
      '--forward-to',
      localB.url('/b'),
    ]);
    await cli.ready();
    const [idA, idB] = [await ingest(a.slug, '"to a"'), await ingest(b.slug, '"to b"')];
    await deliveryWithStatus(idA, 'succeeded');
    await deliveryWithStatus(idB, 'succeeded');
    expect(localA.received.map((r) => [r.url, r.body.toString()])).toEqual([['/a', '"to a"']]);
    expect(localB.received.map((r) => [r.url, r.body.toString()])).toEqual([['/b', '"to b"']]);
    expect(cli.stdout.find((l) => l.includes(idA))).toContain(`[${a.slug}]`);
  });

  it('registers again when its destination is deleted in the dashboard, and goes on forwarding', async () => {
    const source = await createSource();
    const local = await target();
    const cli = listen([source.slug, '--forward-to', local.url('/deleted')]);
    await cli.ready();
    // "Ready" follows the registration; the stream opens just after it.
    const mine = await eventually(
      async () => {
        const destinations = await hookyard.api<Page<DestinationResponse>>('/api/v1/destinations');
        const found = destinations.data.find((d) => d.cli?.forwardTo === local.url('/deleted'));
        return found?.cli?.connected ? found : undefined;
      },
      10_000,
      'the CLI destination to show connected',
    );

    const deleted = await fetch(`${hookyard.url}/api/v1/destinations/${mine.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${hookyard.token}` },
    });
    expect(deleted.status).toBe(204);
    await cli.status(/^Connection lost \(the server ended the stream\); reconnecting in [\d.]+ s$/);
    await cli.status(/^The CLI destination of cli\d+-\w+ was deleted: registered a new one$/);
    await cli.status(/^Reconnected$/, 30_000);
    expect(cli.stderr.filter((line) => line.startsWith('Still disconnected'))).toEqual([]);

    const id = await ingest(source.slug, '{"after":"delete"}');
    await deliveryWithStatus(id, 'succeeded');
    expect(local.bodies()).toEqual(['{"after":"delete"}']);
  });

  it('prints a summary and exits 0 on Ctrl-C', async () => {
    const source = await createSource();
    const local = await target();
    const cli = listen([source.slug, '--forward-to', local.url()]);
    await cli.ready();
    await deliveryWithStatus(await ingest(source.slug, '{}'), 'succeeded');
    cli.signal('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr.at(-1)).toBe('Stopped after 1 request: 1 answered 2xx, 0 4xx, 0 failed');
  });

  it('says in one line that a source is unknown or the token is refused, and exits 1', async () => {
    const local = await target();
    const unknown = await runCli(['listen', 'no-such-source', '--forward-to', local.url()], env());
    expectOneLineError(unknown);
    expect(unknown.stderr.trim()).toBe('Source "no-such-source" not found');
    const refused = await runCli(
      ['listen', 'anything', '--forward-to', local.url()],
      env({ HOOKYARD_TOKEN: 'wrong' }),
    );
    expectOneLineError(refused);
    expect(refused.stderr).toContain(`The token was refused by ${hookyard.url} (401)`);
    const unpaired = await runCli(
      ['listen', '--source', 'a', '--source', 'b', '--forward-to', local.url()],
      env(),
    );
    expectOneLineError(unpaired);
  });
});

describe('replay', () => {
  const sha256 = (secret: string, body: string) =>
    `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  it('sends a stored event again to a URL', async () => {
    const source = await createSource();
    const local = await target();
    const id = await ingest(source.slug, '{"again":1}');
    const result = await runCli(['replay', id, '--to', local.url('/replayed'), '--json'], env());
    expect(result.code).toBe(0);
    const { deliveryId } = JSON.parse(result.stdout) as { deliveryId: string };
    await eventually(() => local.received[0]);
    expect(local.received[0].url).toBe('/replayed');
    expect(local.bodies()).toEqual(['{"again":1}']);
    await eventually(async () => {
      const d = await hookyard.api<DeliveryDetailResponse>(`/api/v1/deliveries/${deliveryId}`);
      return d.status === 'succeeded';
    });
  });

  it('with --resign, sends a signature made now with the given secret, which a verifier accepts', async () => {
    const body = '{"action":"opened"}';
    const source = await createSource({ type: 'github', secrets: ['old-secret'] });
    const id = await ingest(source.slug, body, {
      headers: { 'x-hub-signature-256': sha256('old-secret', body), 'x-github-event': 'push' },
    });
    const local = await target();
    const result = await runCli(
      ['replay', id, '--to', local.url(), '--resign', 'github', '--secret', 'new-secret'],
      env(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('signed again for github');
    const received = await eventually(() => local.received[0]);
    expect(received.body.toString()).toBe(body);
    expect(received.headers['x-github-event']).toBe('push');
    const request = { headers: received.headers, body: received.body };
    expect(verify({ type: 'github', secrets: ['new-secret'] }, request).ok).toBe(true);
    expect(verify({ type: 'github', secrets: ['old-secret'] }, request).ok).toBe(false);
  });

  it('says in one line that an event is unknown', async () => {
    const local = await target();
    const missing = randomUUID();
    const result = await runCli(['replay', missing, '--to', local.url()], env());
    expectOneLineError(result);
    expect(result.stderr.trim()).toBe(`Event ${missing} not found`);
    const resign = await runCli(
      ['replay', missing, '--to', local.url(), '--resign', 'stripe', '--secret', 's'],
      env(),
    );
    expectOneLineError(resign);
    expect(resign.stderr.trim()).toBe(`Event ${missing} not found`);
  });
});

describe('a dropped connection', () => {
  it('is said in one line, reconnected with backoff, and nothing sent meanwhile is missed', async () => {
    const source = await createSource();
    const local = await target();
    const cli = listen([source.slug, '--forward-to', local.url()]);
    await cli.ready();
    await hookyard.stop();
    expect(await cli.status(/^Connection lost \(.+\); reconnecting in [\d.]+ s$/)).toBeDefined();

    hookyard = await startHookyard(dataDir, hookyard.port);
    const id = await ingest(source.slug, '{"after":"restart"}');
    await cli.status(/^Reconnected$/, 30_000);
    await deliveryWithStatus(id, 'succeeded', 30_000);
    expect(local.bodies()).toEqual(['{"after":"restart"}']);
  }, 180_000);
});
