import { createHmac } from 'node:crypto';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { ADMIN_TOKEN, startServer, truncateAll, type TestServer } from './helpers';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => truncateAll());

async function createSource(target: TestServer, input: Record<string, unknown>): Promise<void> {
  const res = await target.api('/api/v1/sources', { method: 'POST', json: input });
  expect(res.status).toBe(201);
}

async function metricsText(): Promise<string> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/**
 * The value of one sample in Prometheus text, matched on its full label set
 * (in any order); undefined when there is no such sample.
 */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = (match[2].match(/\w+="(?:[^"\\]|\\.)*"/g) ?? []).sort().join(',');
    if (got === wanted) return Number(match[3]);
  }
  return undefined;
}

describe('health', () => {
  it('/healthz answers 200 { status: "ok" } without a token', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 with the database and Redis up', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      details: Record<string, { status: string }>;
    };
    expect(body.status).toBe('ok');
    expect(body.details.database.status).toBe('up');
    expect(body.details.redis.status).toBe('up');
  });

  it('/readyz answers 503 naming Redis when Redis is unreachable', async () => {
    const broken = await startServer({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await fetch(`${broken.url}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { message: string };
      expect(body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.any(String),
      });
      expect(body.message).toContain('redis is down');
      expect(body.message).not.toContain('database');
      // Liveness does not depend on Redis.
      expect((await fetch(`${broken.url}/healthz`)).status).toBe(200);
    } finally {
      await broken.close();
    }
  });

  it('stops with Redis unreachable since its start, leaving no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const broken = await startServer({ REDIS_URL: 'redis://127.0.0.1:1' });
      await broken.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('a worker process (HOOKYARD_ROLE=worker)', () => {
  it('serves /healthz, /readyz and /metrics, and 404 to ingest, the API and the dashboard', async () => {
    await createSource(server, { name: 'W', slug: 'on-api-only' });
    const worker = await startServer({ HOOKYARD_ROLE: 'worker' });
    try {
      for (const path of ['/healthz', '/readyz', '/metrics', '/healthz?probe=1']) {
        expect({ path, status: (await fetch(`${worker.url}${path}`)).status }).toEqual({
          path,
          status: 200,
        });
      }
      const refused = [
        ['POST', '/in/on-api-only'],
        ['GET', '/api/v1/sources'],
        ['POST', '/api/v1/sources'],
        ['GET', '/api/v1/stream'],
        ['GET', '/'],
        ['GET', '/healthz/x'],
      ];
      for (const [method, path] of refused) {
        const res = await worker.api(path, { method, ...(method === 'POST' && { json: {} }) });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
        expect(await res.json()).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message:
            'This is a worker process (HOOKYARD_ROLE=worker): it serves /healthz, /readyz and /metrics only',
        });
      }
      // Nothing was stored through it.
      const events = await server.get<{ data: unknown[] }>('/api/v1/events');
      expect(events.data).toHaveLength(0);
    } finally {
      await worker.close();
    }
  });
});

describe('metrics', () => {
  it('counts ingest requests by source and outcome in Prometheus text', async () => {
    await createSource(server, { name: 'Counted', slug: 'counted' });
    await createSource(server, {
      name: 'GitHub',
      slug: 'gh-metrics',
      verification: { type: 'github', secrets: ['s'] },
    });
    const before = await metricsText();
    const accepted = () =>
      sample(before, 'hookyard_ingest_requests_total', { source: 'counted', outcome: 'accepted' });
    expect(accepted()).toBeUndefined();

    for (let i = 0; i < 3; i++) {
      expect(
        (await fetch(`${server.url}/in/counted`, { method: 'POST', body: `{"i":${i}}` })).status,
      ).toBe(202);
    }
    expect(
      (await fetch(`${server.url}/in/gh-metrics`, { method: 'POST', body: '{}' })).status,
    ).toBe(401);
    expect(
      (await fetch(`${server.url}/in/no-such-source`, { method: 'POST', body: '{}' })).status,
    ).toBe(404);

    const text = await metricsText();
    expect(text).toContain('# TYPE hookyard_ingest_requests_total counter');
    expect(text).toContain('hookyard_ingest_requests_total{source="counted",outcome="accepted"} 3');
    expect(
      sample(text, 'hookyard_ingest_requests_total', { source: 'counted', outcome: 'accepted' }),
    ).toBe(3);
    expect(
      sample(text, 'hookyard_ingest_requests_total', { source: 'gh-metrics', outcome: 'rejected' }),
    ).toBe(1);
    expect(
      sample(text, 'hookyard_ingest_requests_total', { source: 'gh-metrics', outcome: 'accepted' }),
    ).toBeUndefined();
    // The requested slug is not a label value (that would be unbounded): unknown slugs count as "unknown".
    expect(
      sample(text, 'hookyard_ingest_requests_total', { source: 'unknown', outcome: 'not_found' }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('no-such-source');
  });

  it('counts each not-found ingest once', async () => {
    const read = async () =>
      sample(await metricsText(), 'hookyard_ingest_requests_total', {
        source: 'unknown',
        outcome: 'not_found',
      }) ?? 0;
    const before = await read();
    for (let i = 0; i < 2; i++)
      await fetch(`${server.url}/in/missing-${i}`, { method: 'POST', body: '{}' });
    expect(await read()).toBe(before + 2);
  });
});

describe('logs', () => {
  /** Everything the process writes to stdout and stderr while `fn` runs. */
  async function captureOutput(fn: () => Promise<void>): Promise<string> {
    const chunks: string[] = [];
    const capture = (stream: NodeJS.WriteStream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
    const spies = [capture(process.stdout), capture(process.stderr)];
    try {
      await fn();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    return chunks.join('');
  }

  it('never contain secrets, signatures or bearer tokens, even at trace level, while the request path is logged', async () => {
    const SOURCE_SECRET = 'source-secret-0b8e5a1d';
    const META_TOKEN = 'meta-token-4c2d9e77';
    const QUERY_TOKEN = 'secret-token';
    const INGEST_BEARER = 'ingest-bearer-token-91f3';
    const body = '{"action":"logged"}';
    const signature = createHmac('sha256', SOURCE_SECRET).update(body).digest('hex');

    const output = await captureOutput(async () => {
      // Logs outside a request (ingest's, answered before Fastify) go to the first logger made
      // in the process; the servers of other tests here made theirs silent.
      __resetOutOfContextForTests();
      const logged = await startServer({ HOOKYARD_LOG_LEVEL: 'trace' });
      try {
        await createSource(logged, {
          name: 'Logged',
          slug: 'logged',
          verification: { type: 'github', secrets: [SOURCE_SECRET] },
          handshake: { metaVerifyToken: META_TOKEN },
        });
        const signed = await fetch(
          `${logged.url}/in/logged/log-probe-path?hub.verify_token=${QUERY_TOKEN}`,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${INGEST_BEARER}`,
              'x-hub-signature-256': `sha256=${signature}`,
              'content-type': 'application/json',
            },
            body,
          },
        );
        expect(signed.status).toBe(202);
        const forged = await fetch(
          `${logged.url}/in/logged/log-probe-path?hub.verify_token=${QUERY_TOKEN}`,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${INGEST_BEARER}`,
              'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
            },
            body,
          },
        );
        expect(forged.status).toBe(401);
        const wrongAdmin = await fetch(`${logged.url}/api/v1/sources`, {
          headers: { authorization: `Bearer ${INGEST_BEARER}` },
        });
        expect(wrongAdmin.status).toBe(401);
      } finally {
        await logged.close();
        __resetOutOfContextForTests();
      }
    });

    expect(output).toContain('/in/logged/log-probe-path');
    for (const secret of [
      SOURCE_SECRET,
      META_TOKEN,
      QUERY_TOKEN,
      INGEST_BEARER,
      ADMIN_TOKEN,
      signature,
    ]) {
      expect(output).not.toContain(secret);
    }
  });

  it('log API requests, and not the probes and scrapes of /healthz, /readyz and /metrics', async () => {
    const output = await captureOutput(async () => {
      const logged = await startServer({ HOOKYARD_LOG_LEVEL: 'info' });
      try {
        for (const path of ['/healthz', '/readyz', '/metrics', '/api/v1/sources']) {
          const res = await fetch(`${logged.url}${path}`, {
            headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          });
          expect(res.status).toBe(200);
        }
      } finally {
        await logged.close();
      }
    });
    expect(output).toContain('"path":"/api/v1/sources"');
    for (const probe of ['/healthz', '/readyz', '/metrics']) {
      expect(output).not.toContain(`"path":"${probe}"`);
    }
  });
});
