import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryDetailResponse, EventResponse, Page } from '@hookyard/contracts';
import { sign } from './signing';
import { eventually, Target } from './target';

/**
 * Standalone mode as a developer meets it: the real `npm start`, no DATABASE_URL, no REDIS_URL,
 * a fresh data folder. The embedded database, the in-process dispatch and the generated token
 * all come from that one command.
 */
const ROOT = join(__dirname, '../../..');
/** The first start of a data folder creates the embedded database (initdb): seconds. */
const START_TIMEOUT_MS = 120_000;

/** A variable-free environment: nothing from the test run's PostgreSQL or Redis leaks in. */
function standaloneEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HOOKYARD_DATA_DIR: dataDir,
    PORT: String(port),
    HOOKYARD_LOG_LEVEL: 'warn',
    HOOKYARD_SWEEP_INTERVAL_MS: '500',
    NX_NO_CLOUD: 'true',
    NX_DAEMON: 'false',
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  output: string[];
  url: string;
  token: string;
  api: <T>(path: string, init?: { method?: string; json?: unknown }) => Promise<T>;
  /**
   * SIGTERM to the group, as a service manager sends. npm exits at once; the server closes the
   * app and the embedded database, and gives the folder's lock back as it exits.
   */
  stop: () => Promise<void>;
}

/** `npm start`, in its own process group; resolves once the banner is printed. */
async function npmStart(dataDir: string, port: number): Promise<Running> {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: standaloneEnv(dataDir, port),
    detached: true,
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const banner = new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start printed no banner:\n${output.join('')}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /Sign in\s+(http:\/\/\S+)\/#token=(\S+)/.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], token: match[2] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before its banner:\n${output.join('')}`));
    });
  });
  const { url, token } = await banner;
  const api = async <T>(path: string, init: { method?: string; json?: unknown } = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.json !== undefined && { 'content-type': 'application/json' }),
      },
      ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
    });
    if (!res.ok)
      throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const stop = async () => {
    if (alive() && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exited;
    await eventually(
      () => !existsSync(join(dataDir, 'hookyard.lock')),
      20_000,
      'the lock given back',
    );
  };
  return { child, output, url, token, api, stop };
}

describe('standalone mode (npm start, no DATABASE_URL, no REDIS_URL)', () => {
  let dataDir: string;
  let target: Target;
  let running: Running | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookyard-standalone-'));
    target = await Target.start(Target.statuses(503, 200));
  });

  afterAll(async () => {
    const child = running?.child;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, 'SIGKILL');
    }
    await target.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'ingests, forwards, and after a restart still has every event and sends what was scheduled',
    async () => {
      const port = await freePort();
      running = await npmStart(dataDir, port);
      const first = running;
      // The banner's token is the one kept in the data folder; the sample source is there.
      expect(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()).toBe(first.token);
      expect(first.output.join('')).toContain(`curl -X POST ${first.url}/in/sample`);
      const sample = await fetch(`${first.url}/in/sample`, { method: 'POST', body: '{"a":1}' });
      expect(sample.status).toBe(202);

      // A GitHub source forwarding to a local target (loopback is allowed standalone). The
      // target answers 503 first, so the first event's delivery waits 4 s for its retry.
      const source = await first.api<{ id: string }>('/api/v1/sources', {
        method: 'POST',
        json: { name: 'GitHub', slug: 'gh', verification: { type: 'github', secrets: ['s3cret'] } },
      });
      const destination = await first.api<{ id: string }>('/api/v1/destinations', {
        method: 'POST',
        json: {
          name: 'local',
          url: target.url(),
          retry: { maxAttempts: 3, initialDelayMs: 4000, maxDelayMs: 4000 },
        },
      });
      await first.api('/api/v1/connections', {
        method: 'POST',
        json: { sourceId: source.id, destinationId: destination.id },
      });
      const bodies = ['{"n":1}', '{"n":2}'];
      const ids: string[] = [];
      for (const body of bodies) {
        const res = await fetch(`${first.url}/in/gh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...sign.github('s3cret', body) },
          body,
        });
        expect(res.status).toBe(202);
        ids.push(((await res.json()) as { id: string }).id);
      }
      const forged = await fetch(`${first.url}/in/gh`, {
        method: 'POST',
        headers: sign.github('wrong', '{}'),
        body: '{}',
      });
      expect(forged.status).toBe(401);

      // First attempt 503, second (4 s later) 200: before the retry is due, stop the process.
      const deliveryOf = async (eventId: string) => {
        const event = await first.api<EventResponse>(`/api/v1/events/${eventId}`);
        return event.deliveries[0];
      };
      await eventually(async () => (await deliveryOf(ids[0]))?.status === 'failed', 10_000);
      await eventually(async () => (await deliveryOf(ids[1]))?.status === 'succeeded', 10_000);
      expect(target.received).toHaveLength(2);
      const scheduled = await deliveryOf(ids[0]);
      await first.stop();
      expect(first.output.join('')).toContain('SIGTERM: shutting down');
      expect(target.received).toHaveLength(2);

      // Same folder, new process: the same token, the events, and the retry goes out.
      running = await npmStart(dataDir, port);
      const second = running;
      expect(second.token).toBe(first.token);
      expect(second.output.join('')).not.toContain('/in/sample');
      const events = await second.api<Page<EventResponse>>('/api/v1/events?limit=10');
      expect(events.data.map((e) => e.id)).toEqual(expect.arrayContaining(ids));
      expect(events.data).toHaveLength(4); // sample, two signed, one forged
      const delivered = await eventually(async () => {
        const d = await second.api<DeliveryDetailResponse>(`/api/v1/deliveries/${scheduled.id}`);
        return d.status === 'succeeded' ? d : undefined;
      }, 15_000);
      expect(delivered.attempts.map((a) => a.statusCode)).toEqual([503, 200]);
      expect(new Date(delivered.attempts[1].at).getTime()).toBeGreaterThan(
        new Date(scheduled.nextAttemptAt ?? 0).getTime() - 1000,
      );
      expect(target.received.map((r) => r.body.toString())).toEqual([
        '{"n":1}',
        '{"n":2}',
        '{"n":1}',
      ]);

      // A second process on the same folder is refused in one line; so is a taken port.
      const again = spawn(process.execPath, [join(ROOT, 'dist/apps/server/main.js')], {
        env: standaloneEnv(dataDir, await freePort()),
      });
      let stderr = '';
      again.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise((resolve) => again.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `The data folder ${dataDir} is in use by another Hookyard (pid ${readFileSync(join(dataDir, 'hookyard.lock'), 'utf8')}): stop it, or set HOOKYARD_DATA_DIR to another folder`,
      );

      await second.stop();
    },
    4 * START_TIMEOUT_MS,
  );

  it(
    'says in one line that the port is taken',
    async () => {
      const busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      const { port } = busy.address() as { port: number };
      const other = mkdtempSync(join(tmpdir(), 'hookyard-standalone-'));
      try {
        const child = spawn(process.execPath, [join(ROOT, 'dist/apps/server/main.js')], {
          env: standaloneEnv(other, port),
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const code = await new Promise((resolve) => child.once('exit', resolve));
        expect(code).toBe(1);
        expect(stderr.trim()).toBe(`Port ${port} is already in use (set PORT to another port)`);
      } finally {
        busy.close();
        rmSync(other, { recursive: true, force: true });
      }
    },
    START_TIMEOUT_MS,
  );
});
