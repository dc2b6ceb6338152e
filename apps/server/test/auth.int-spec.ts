import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { ADMIN_TOKEN, startServer, truncateAll, type TestServer } from './helpers';

/**
 * The deliberate holes: adding a public route means adding it here, on purpose. Ingest
 * (`/in/{slug}[/*]`) is the other one: Node's server answers it before Fastify's route table.
 */
const PUBLIC_ROUTES = ['/healthz', '/metrics', '/readyz'];

let server: TestServer;

beforeAll(async () => {
  // Other files leave rows behind; the list checks below expect one page.
  await truncateAll();
  server = await startServer();
});
afterAll(() => server.close());

interface Route {
  method: string;
  url: string;
}

/** Every registered route once, without the HEAD and OPTIONS routes Fastify adds by itself. */
function registeredRoutes(): Route[] {
  const seen = new Map<string, Route>();
  for (const route of server.routes) {
    if (route.method === 'HEAD' || route.method === 'OPTIONS') continue;
    seen.set(`${route.method} ${route.url}`, route);
  }
  return [...seen.values()];
}

const protectedRoutes = () => registeredRoutes().filter((r) => !PUBLIC_ROUTES.includes(r.url));

/** A concrete path for a route pattern: params become random UUIDs, a wildcard a sub-path. */
const concretePath = (url: string) =>
  url.replace(/:\w+/g, () => randomUUID()).replace(/\*$/, 'sub');

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** node:http rather than fetch: it sends any method a route may have (fetch refuses TRACE). */
function send(method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const withBody = ['POST', 'PUT', 'PATCH'].includes(method);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, {
      method,
      headers: { ...headers, ...(withBody && { 'content-type': 'application/json' }) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      // An event stream (GET /api/v1/stream) does not end: its status and headers are the answer.
      if (contentType.startsWith('text/event-stream')) {
        resolve({ status: res.statusCode ?? 0, contentType, text: '' });
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.end(withBody ? '{}' : undefined);
  });
}

const describeRoute = (r: Route) => `${r.method} ${r.url}`;

/** 401 with exactly `{ statusCode, error, message }`. */
function isUnauthorized(answer: Answer): boolean {
  if (answer.status !== 401 || !answer.contentType.startsWith('application/json')) return false;
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  return (
    Object.keys(body).sort().join() === 'error,message,statusCode' &&
    body.statusCode === 401 &&
    body.error === 'Unauthorized' &&
    typeof body.message === 'string' &&
    body.message.length > 0
  );
}

const BAD_CREDENTIALS: [string, Record<string, string>][] = [
  ['no Authorization header', {}],
  ['a wrong bearer token', { authorization: 'Bearer wrong-token-0123456789' }],
  [
    'the admin token with a character missing',
    { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` },
  ],
  ['the admin token with a character added', { authorization: `Bearer ${ADMIN_TOKEN}x` }],
  ['an empty bearer token', { authorization: 'Bearer ' }],
  ['the admin token without the Bearer scheme', { authorization: ADMIN_TOKEN }],
  [
    'Basic credentials carrying the admin token',
    { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
  ],
];

describe('authentication of the HTTP surface', () => {
  it('walks a route table that holds both the management API and the public routes', () => {
    expect(registeredRoutes().filter((r) => r.url.startsWith('/in/'))).toEqual([]);
    const urls = registeredRoutes().map(describeRoute);
    expect(urls).toEqual(
      expect.arrayContaining([
        'POST /api/v1/sources',
        'DELETE /api/v1/destinations/:id',
        'PATCH /api/v1/connections/:id',
        'GET /api/v1/events/:id',
        'GET /healthz',
      ]),
    );
  });

  it('leaves exactly the deliberate public routes open to a caller without a token', async () => {
    const open = new Set<string>();
    for (const route of registeredRoutes()) {
      const answer = await send(route.method, concretePath(route.url));
      if (answer.status !== 401) open.add(route.url);
    }
    expect([...open].sort()).toEqual(PUBLIC_ROUTES);
  });

  it.each(BAD_CREDENTIALS)(
    'answers 401 with the JSON error shape on every protected route given %s',
    async (_what, headers) => {
      const wrong: string[] = [];
      for (const route of protectedRoutes()) {
        const answer = await send(route.method, concretePath(route.url), headers);
        if (!isUnauthorized(answer))
          wrong.push(`${describeRoute(route)} → ${answer.status} ${answer.text.slice(0, 120)}`);
      }
      expect(protectedRoutes().length).toBeGreaterThan(10);
      expect(wrong).toEqual([]);
    },
  );

  it('lets the admin token through to every protected route (no 401, no 5xx)', async () => {
    const wrong: string[] = [];
    for (const route of protectedRoutes()) {
      const answer = await send(route.method, concretePath(route.url), {
        authorization: `Bearer ${ADMIN_TOKEN}`,
      });
      if (answer.status === 401 || answer.status >= 500)
        wrong.push(`${describeRoute(route)} → ${answer.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('accepts the token as ?access_token= only on the routes marked for it (the event stream)', async () => {
    const accepted: string[] = [];
    for (const route of protectedRoutes()) {
      const path = `${concretePath(route.url)}?access_token=${ADMIN_TOKEN}`;
      if ((await send(route.method, path)).status !== 401) accepted.push(describeRoute(route));
    }
    expect(accepted).toEqual(['GET /api/v1/stream']);
  });

  it('serves the list endpoints to the admin token', async () => {
    for (const path of [
      '/api/v1/sources',
      '/api/v1/destinations',
      '/api/v1/connections',
      '/api/v1/events',
    ]) {
      const res = await server.api(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(await res.json()).toEqual({ data: expect.any(Array), nextCursor: null });
    }
  });

  it('answers ingest URLs without a token, and leaves other /in… URLs to the route table', async () => {
    const unknown = await send('POST', '/in/no-such-source/sub/path?x=1');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({
      message: expect.stringContaining('"no-such-source"'),
    });
    // No slug, or one that cannot be decoded: Fastify's own 404 and 400.
    expect((await send('POST', '/in/')).status).toBe(404);
    expect((await send('POST', '/in/%E0%A4%A')).status).toBe(400);
  });

  it('accepts the Bearer scheme in any letter case', async () => {
    const answer = await send('GET', '/api/v1/sources', { authorization: `bearer ${ADMIN_TOKEN}` });
    expect(answer.status).toBe(200);
  });
});
