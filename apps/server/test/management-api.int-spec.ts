import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type {
  ConnectionResponse,
  DestinationResponse,
  EventResponse,
  EventSummary,
  Page,
  SourceResponse,
} from '@hookyard/contracts';
import { startServer, truncateAll, withDb, type TestServer } from './helpers';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => truncateAll());

const SERVER_MAX_BODY_BYTES = 104_857_600;
const ISO_TIME = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const UUID = expect.stringMatching(
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
);

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
};

// ---------------------------------------------------------------- helpers

async function call(method: string, path: string, json?: unknown): Promise<Response> {
  return server.api(path, { method, ...(json !== undefined && { json }) });
}

/** Expects `status` (a mismatch shows the body); returns the parsed JSON body. */
async function expectStatus<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect({ status: res.status, text }).toEqual({ status, text: expect.any(String) });
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The error shape, exactly; returns the message for further checks. */
async function expectError(
  res: Response,
  statusCode: number,
  ...fragments: string[]
): Promise<string> {
  const body = await expectStatus<Record<string, unknown>>(res, statusCode);
  expect(body).toEqual({ statusCode, error: REASONS[statusCode], message: expect.any(String) });
  const message = body.message as string;
  for (const fragment of fragments) expect(message).toContain(fragment);
  return message;
}

/**
 * 400 whose message names `field`: one of its "; "-separated issues is about that
 * field (`field: …`, `field.sub: …`) or rejects it as unknown (`unknown field "field"`).
 */
async function expectFieldError(res: Response, field: string): Promise<void> {
  const message = await expectError(res, 400);
  const issues = message.split('; ');
  const names = (issue: string) =>
    issue.startsWith(`${field}:`) ||
    issue.startsWith(`${field}.`) ||
    issue.includes(`unknown field "${field}"`);
  expect({ field, message, named: issues.some(names) }).toEqual({ field, message, named: true });
}

async function createSource(input: Record<string, unknown> = {}): Promise<SourceResponse> {
  const slug = `src-${randomUUID().slice(0, 8)}`;
  return expectStatus(
    await call('POST', '/api/v1/sources', { name: 'Source', slug, ...input }),
    201,
  );
}

async function createDestination(
  input: Record<string, unknown> = {},
): Promise<DestinationResponse> {
  return expectStatus(
    await call('POST', '/api/v1/destinations', {
      name: 'CI',
      url: 'http://127.0.0.1:9000/hook',
      ...input,
    }),
    201,
  );
}

async function createConnection(input: Record<string, unknown>): Promise<ConnectionResponse> {
  return expectStatus(await call('POST', '/api/v1/connections', input), 201);
}

/** A request to the public ingest URL; answers the stored event's id. */
async function ingest(
  slug: string,
  {
    path = '',
    body = '{}',
    headers = {},
  }: { path?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<string> {
  const res = await fetch(`${server.url}/in/${slug}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return (await expectStatus<{ id: string }>(res, 202)).id;
}

async function listEvents(
  query: Record<string, string | number> = {},
): Promise<Page<EventSummary>> {
  const qs = new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
  );
  return expectStatus(await call('GET', `/api/v1/events?${qs}`), 200);
}

const ids = (page: { data: { id: string }[] }) => page.data.map((item) => item.id);

const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;

// ---------------------------------------------------------------- sources

describe('sources', () => {
  it('creates a source with the documented defaults and its public ingest URL', async () => {
    const res = await call('POST', '/api/v1/sources', { name: 'GitHub', slug: 'gh' });
    const source = await expectStatus<SourceResponse>(res, 201);
    expect(source).toEqual({
      id: UUID,
      name: 'GitHub',
      slug: 'gh',
      ingestUrl: 'https://hooks.example.test/in/gh',
      verification: { type: 'none', secretCount: 0 },
      maxBodyBytes: 26_214_400,
      dedupe: { mode: 'auto' },
      response: null,
      allowedIps: null,
      rateLimitPerSecond: null,
      handshake: { metaVerifyToken: false, zoomSecretToken: false },
      passthrough: null,
      createdAt: ISO_TIME,
      updatedAt: ISO_TIME,
    });
  });

  it('keeps verification secrets and handshake tokens write-only in every response, showing only their count', async () => {
    const secrets = ['first-secret-5d0e7b', 'second-secret-a91c44'];
    const metaToken = 'meta-verify-token-77f1';
    const created = await createSource({
      slug: 'gh',
      verification: { type: 'github', secrets },
      handshake: { metaVerifyToken: metaToken },
    });
    const rotated = 'rotated-secret-c3b2f0';
    const texts = [
      JSON.stringify(created),
      await (await call('GET', `/api/v1/sources/${created.id}`)).text(),
      await (await call('GET', '/api/v1/sources')).text(),
      await (
        await call('PATCH', `/api/v1/sources/${created.id}`, {
          verification: { type: 'github', secrets: [secrets[1], rotated] },
        })
      ).text(),
    ];
    for (const text of texts) {
      expect(text).toContain('"secretCount":2');
      expect(text).toContain('"metaVerifyToken":true');
      for (const secret of [...secrets, rotated, metaToken]) expect(text).not.toContain(secret);
    }
    expect(JSON.stringify(created)).not.toContain('"secrets"');
  });

  it('rotates secrets with PATCH: the new secret verifies, the dropped one no longer does', async () => {
    const source = await createSource({
      slug: 'gh',
      verification: { type: 'github', secrets: ['old-secret'] },
    });
    const patched = await expectStatus<SourceResponse>(
      await call('PATCH', `/api/v1/sources/${source.id}`, {
        verification: { type: 'github', secrets: ['new-secret'] },
      }),
      200,
    );
    expect(patched.verification).toEqual({ type: 'github', secretCount: 1 });
    const body = '{"action":"opened"}';
    const signed = (secret: string) =>
      fetch(`${server.url}/in/gh`, {
        method: 'POST',
        headers: {
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      });
    expect((await signed('new-secret')).status).toBe(202);
    expect((await signed('old-secret')).status).toBe(401);
  });

  it('renames with PATCH and keeps everything it was not given, secrets included', async () => {
    const source = await createSource({
      slug: 'gh',
      verification: { type: 'github', secrets: ['kept-secret'] },
      maxBodyBytes: 4096,
    });
    const patched = await expectStatus<SourceResponse>(
      await call('PATCH', `/api/v1/sources/${source.id}`, { name: 'Renamed' }),
      200,
    );
    expect(patched).toEqual({ ...source, name: 'Renamed', updatedAt: ISO_TIME });
    expect(await expectStatus(await call('GET', `/api/v1/sources/${source.id}`), 200)).toEqual(
      patched,
    );
    const stored = await withDb(
      async (c) =>
        (await c.query('SELECT verification FROM sources WHERE id = $1', [source.id])).rows[0],
    );
    expect(stored.verification.secrets).toEqual(['kept-secret']);
  });

  it('moves the ingest URL when the slug is changed with PATCH', async () => {
    const source = await createSource({ slug: 'before' });
    const patched = await expectStatus<SourceResponse>(
      await call('PATCH', `/api/v1/sources/${source.id}`, { slug: 'after' }),
      200,
    );
    expect(patched.ingestUrl).toBe('https://hooks.example.test/in/after');
    expect((await fetch(`${server.url}/in/before`, { method: 'POST', body: '{}' })).status).toBe(
      404,
    );
    await ingest('after');
  });

  it('answers 409 naming the slug when it is already taken', async () => {
    await createSource({ slug: 'gh' });
    await expectError(
      await call('POST', '/api/v1/sources', { name: 'Again', slug: 'gh' }),
      409,
      '"gh"',
    );
  });

  it('answers 409 when PATCH moves a source onto a slug that is taken', async () => {
    await createSource({ slug: 'taken' });
    const other = await createSource({ slug: 'other' });
    await expectError(
      await call('PATCH', `/api/v1/sources/${other.id}`, { slug: 'taken' }),
      409,
      '"taken"',
    );
  });

  it('lets exactly one of several concurrent creates with the same slug win', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call('POST', '/api/v1/sources', { name: `Racer ${i}`, slug: 'race' }),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const list = await expectStatus<Page<SourceResponse>>(
      await call('GET', '/api/v1/sources'),
      200,
    );
    expect(list.data.map((s) => s.slug)).toEqual(['race']);
  });

  it('deletes with 204, after which the source is gone and its slug can be reused', async () => {
    const first = await createSource({ slug: 'reuse' });
    const res = await call('DELETE', `/api/v1/sources/${first.id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    await expectError(await call('GET', `/api/v1/sources/${first.id}`), 404);
    expect((await fetch(`${server.url}/in/reuse`, { method: 'POST', body: '{}' })).status).toBe(
      404,
    );

    const second = await createSource({ slug: 'reuse' });
    expect(second.id).not.toBe(first.id);
    const eventId = await ingest('reuse');
    const event = await expectStatus<EventResponse>(
      await call('GET', `/api/v1/events/${eventId}`),
      200,
    );
    expect(event.sourceId).toBe(second.id);
  });

  it('lists sources newest first, without deleted ones', async () => {
    const a = await createSource({ slug: 'a' });
    const b = await createSource({ slug: 'b' });
    const c = await createSource({ slug: 'c' });
    await withDb((db) =>
      db.query(
        `UPDATE sources SET created_at = v.at::timestamptz FROM (VALUES
           ($1::uuid, '2030-01-01T00:00:00Z'), ($2::uuid, '2030-01-02T00:00:00Z'), ($3::uuid, '2030-01-03T00:00:00Z')
         ) AS v(id, at) WHERE sources.id = v.id`,
        [a.id, b.id, c.id],
      ),
    );
    expect((await call('DELETE', `/api/v1/sources/${b.id}`)).status).toBe(204);
    const list = await expectStatus<Page<SourceResponse>>(
      await call('GET', '/api/v1/sources'),
      200,
    );
    expect(ids(list)).toEqual([c.id, a.id]);
    expect(list.nextCursor).toBeNull();
  });

  it('gets one source by id with the same shape create returned', async () => {
    const source = await createSource({
      verification: { type: 'stripe', secrets: ['whsec_x'], toleranceSeconds: 60 },
    });
    const got = await expectStatus<SourceResponse>(
      await call('GET', `/api/v1/sources/${source.id}`),
      200,
    );
    expect(got).toEqual(source);
    expect(got.verification).toEqual({ type: 'stripe', toleranceSeconds: 60, secretCount: 1 });
  });
});

// ------------------------------------------------------- ids on every resource

describe.each(['sources', 'destinations', 'connections'])('%s by id', (resource) => {
  const unknown = '6f1c1d4e-8b7a-4c3e-9d2f-0a1b2c3d4e5f';

  it.each([
    ['GET', undefined],
    ['PATCH', {}],
    ['DELETE', undefined],
  ])('%s answers 404 naming an unknown id', async (method, json) => {
    const patchBody = resource === 'connections' && json ? { filter: null } : json;
    await expectError(
      await call(method, `/api/v1/${resource}/${unknown}`, patchBody),
      404,
      unknown,
    );
  });

  it.each(['GET', 'PATCH', 'DELETE'])(
    '%s answers 400 naming "id" when it is not a UUID',
    async (method) => {
      const json =
        method === 'PATCH' ? (resource === 'connections' ? { filter: null } : {}) : undefined;
      await expectFieldError(await call(method, `/api/v1/${resource}/not-a-uuid`, json), 'id');
    },
  );
});

// ------------------------------------------------------------- bad bodies

type Endpoint =
  | 'POST sources'
  | 'PATCH sources'
  | 'POST destinations'
  | 'PATCH destinations'
  | 'POST connections'
  | 'PATCH connections';

describe('request bodies', () => {
  let fixture: { sourceId: string; destinationId: string; connectionId: string };

  beforeEach(async () => {
    const source = await createSource({ slug: 'fixture' });
    const destination = await createDestination();
    const connection = await createConnection({
      sourceId: source.id,
      destinationId: destination.id,
    });
    fixture = { sourceId: source.id, destinationId: destination.id, connectionId: connection.id };
  });

  function target(endpoint: Endpoint): { method: string; path: string } {
    const [method, resource] = endpoint.split(' ');
    if (method === 'POST') return { method, path: `/api/v1/${resource}` };
    const id = {
      sources: fixture.sourceId,
      destinations: fixture.destinationId,
      connections: fixture.connectionId,
    }[resource];
    return { method, path: `/api/v1/${resource}/${id}` };
  }

  /** Builders, because connections need the fixture's ids. */
  const validConnection = () => ({
    sourceId: fixture.sourceId,
    destinationId: fixture.destinationId,
  });
  const src = (extra: Record<string, unknown>) => ({ name: 'S', slug: 'fresh', ...extra });
  const dst = (extra: Record<string, unknown>) => ({
    name: 'D',
    url: 'https://example.com/hook',
    ...extra,
  });
  const hmac = (extra: Record<string, unknown>) => ({
    verification: { type: 'hmac', header: 'X-Signature', secrets: ['s'], ...extra },
  });

  // One case per line reads better than Prettier's five.
  // prettier-ignore
  const BAD: [Endpoint, string, () => unknown, string][] = [
    ['POST sources', 'a missing name', () => ({ slug: 'fresh' }), 'name'],
    ['POST sources', 'a missing slug', () => ({ name: 'S' }), 'slug'],
    ['POST sources', 'a name that is a number', () => src({ name: 42 }), 'name'],
    ['POST sources', 'a blank name', () => src({ name: '   ' }), 'name'],
    ['POST sources', 'an unknown field', () => src({ colour: 'red' }), 'colour'],
    ['POST sources', 'a slug with spaces', () => src({ slug: 'has space' }), 'slug'],
    ['POST sources', 'a slug with capitals', () => src({ slug: 'GitHub' }), 'slug'],
    ['POST sources', 'a slug starting with "-"', () => src({ slug: '-gh' }), 'slug'],
    ['POST sources', 'a slug with a slash', () => src({ slug: 'gh/ci' }), 'slug'],
    ['POST sources', 'a slug of 64 characters', () => src({ slug: 'a'.repeat(64) }), 'slug'],
    ['POST sources', 'an unknown verification type', () => src({ verification: { type: 'md5' } }), 'verification'],
    ['POST sources', 'verification that is a string', () => src({ verification: 'github' }), 'verification'],
    ['POST sources', 'hmac with an unknown algorithm', () => src(hmac({ algorithm: 'md5' })), 'verification.algorithm'],
    ['POST sources', 'hmac with an unknown encoding', () => src(hmac({ encoding: 'base32' })), 'verification.encoding'],
    ['POST sources', 'hmac without a header', () => src({ verification: { type: 'hmac', secrets: ['s'] } }), 'verification.header'],
    ['POST sources', 'hmac with a bad header name', () => src(hmac({ header: 'X Signature' })), 'verification.header'],
    ['POST sources', 'github without secrets', () => src({ verification: { type: 'github' } }), 'verification.secrets'],
    ['POST sources', 'github with an empty secret list', () => src({ verification: { type: 'github', secrets: [] } }), 'verification.secrets'],
    ['POST sources', 'github with an empty secret', () => src({ verification: { type: 'github', secrets: [''] } }), 'verification.secrets'],
    ['POST sources', 'stripe with a negative tolerance', () => src({ verification: { type: 'stripe', secrets: ['s'], toleranceSeconds: -1 } }), 'verification.toleranceSeconds'],
    ['POST sources', 'maxBodyBytes above the server ceiling', () => src({ maxBodyBytes: SERVER_MAX_BODY_BYTES + 1 }), 'maxBodyBytes'],
    ['POST sources', 'a negative maxBodyBytes', () => src({ maxBodyBytes: -1 }), 'maxBodyBytes'],
    ['POST sources', 'maxBodyBytes as a string', () => src({ maxBodyBytes: '1024' }), 'maxBodyBytes'],
    ['POST sources', 'a fractional maxBodyBytes', () => src({ maxBodyBytes: 1024.5 }), 'maxBodyBytes'],
    ['POST sources', 'a dedupe header with a bad name', () => src({ dedupe: { mode: 'header', header: 'a:b' } }), 'dedupe.header'],
    ['POST sources', 'an unknown dedupe mode', () => src({ dedupe: { mode: 'sometimes' } }), 'dedupe'],
    ['POST sources', 'an allowed IP that is not one', () => src({ allowedIps: ['10.0.0.300'] }), 'allowedIps'],
    ['POST sources', 'a custom response with a 500 status', () => src({ response: { statusCode: 500, body: '' } }), 'response.statusCode'],
    ['POST sources', 'a zero rate limit', () => src({ rateLimitPerSecond: 0 }), 'rateLimitPerSecond'],
    ['PATCH sources', 'an invalid slug', () => ({ slug: 'Not OK' }), 'slug'],
    ['PATCH sources', 'an empty name', () => ({ name: '' }), 'name'],
    ['PATCH sources', 'hmac with an unknown algorithm', () => hmac({ algorithm: 'md5' }), 'verification.algorithm'],
    ['PATCH sources', 'maxBodyBytes above the server ceiling', () => ({ maxBodyBytes: SERVER_MAX_BODY_BYTES + 1 }), 'maxBodyBytes'],
    ['PATCH sources', 'an unknown field', () => ({ id: randomUUID() }), 'id'],
    ['PATCH sources', 'a null verification', () => ({ verification: null }), 'verification'],
    ['POST destinations', 'a missing name', () => ({ url: 'https://example.com' }), 'name'],
    ['POST destinations', 'a missing url', () => ({ name: 'D' }), 'url'],
    ['POST destinations', 'an ftp URL', () => dst({ url: 'ftp://example.com/hook' }), 'url'],
    ['POST destinations', 'a javascript: URL', () => dst({ url: 'javascript:alert(1)' }), 'url'],
    ['POST destinations', 'a file: URL', () => dst({ url: 'file:///etc/passwd' }), 'url'],
    ['POST destinations', 'a URL without a scheme', () => dst({ url: 'example.com/hook' }), 'url'],
    ['POST destinations', 'a header name with a space', () => dst({ headers: { 'X Env': 'dev' } }), 'headers'],
    ['POST destinations', 'a header name with a colon', () => dst({ headers: { 'X-Env:': 'dev' } }), 'headers'],
    ['POST destinations', 'a header value with a line break', () => dst({ headers: { 'X-Env': 'dev\r\nX-Evil: 1' } }), 'headers'],
    ['POST destinations', 'a header value that is a number', () => dst({ headers: { 'X-Env': 1 } }), 'headers'],
    ['POST destinations', 'a negative timeout', () => dst({ timeoutMs: -1 }), 'timeoutMs'],
    ['POST destinations', 'a timeout as a string', () => dst({ timeoutMs: '1000' }), 'timeoutMs'],
    ['POST destinations', 'zero retry attempts', () => dst({ retry: { maxAttempts: 0 } }), 'retry.maxAttempts'],
    ['POST destinations', 'a negative initial retry delay', () => dst({ retry: { initialDelayMs: -5 } }), 'retry.initialDelayMs'],
    ['POST destinations', 'a max delay below the initial delay', () => dst({ retry: { initialDelayMs: 60_000, maxDelayMs: 1000 } }), 'retry.maxDelayMs'],
    ['POST destinations', 'an unknown retry field', () => dst({ retry: { backoff: 'linear' } }), 'backoff'],
    ['POST destinations', 'a signing secret without whsec_', () => dst({ signingSecret: 'plain-secret' }), 'signingSecret'],
    ['POST destinations', 'a whsec_ secret that is not base64', () => dst({ signingSecret: `whsec_${'!'.repeat(40)}` }), 'signingSecret'],
    ['POST destinations', 'an unknown field', () => dst({ method: 'PUT' }), 'method'],
    ['PATCH destinations', 'paused as a string', () => ({ paused: 'yes' }), 'paused'],
    ['PATCH destinations', 'a ws: URL', () => ({ url: 'ws://example.com' }), 'url'],
    ['PATCH destinations', 'a negative timeout', () => ({ timeoutMs: -100 }), 'timeoutMs'],
    ['PATCH destinations', 'a bad header name', () => ({ headers: { 'bad name': 'x' } }), 'headers'],
    ['PATCH destinations', 'disabled: true (only false re-enables)', () => ({ disabled: true }), 'disabled'],
    ['PATCH destinations', 'a bad signing secret', () => ({ signingSecret: 'whsec_short' }), 'signingSecret'],
    ['PATCH destinations', 'an unknown field', () => ({ consecutiveFailures: 0 }), 'consecutiveFailures'],
    ['POST connections', 'a missing sourceId', () => ({ destinationId: fixture.destinationId }), 'sourceId'],
    ['POST connections', 'a missing destinationId', () => ({ sourceId: fixture.sourceId }), 'destinationId'],
    ['POST connections', 'a sourceId that is not a UUID', () => ({ ...validConnection(), sourceId: 'gh' }), 'sourceId'],
    ['POST connections', 'a destinationId that is a number', () => ({ ...validConnection(), destinationId: 7 }), 'destinationId'],
    ['POST connections', 'an empty filter', () => ({ ...validConnection(), filter: {} }), 'filter'],
    ['POST connections', 'a filter on a bad header name', () => ({ ...validConnection(), filter: { headers: { 'a b': 'x' } } }), 'filter.headers'],
    ['POST connections', 'a filter on a bad body path', () => ({ ...validConnection(), filter: { body: { 'a..b': 1 } } }), 'filter.body'],
    ['POST connections', 'an unknown field', () => ({ ...validConnection(), enabled: true }), 'enabled'],
    ['PATCH connections', 'no filter', () => ({}), 'filter'],
    ['PATCH connections', 'a filter with an unknown field', () => ({ filter: { query: { a: '1' } } }), 'query'],
    ['PATCH connections', 'a new sourceId (connections are not moved)', () => ({ filter: null, sourceId: fixture.sourceId }), 'sourceId'],
  ];

  it.each(BAD)('%s refuses %s with 400 naming the field', async (endpoint, _what, build, field) => {
    const { method, path } = target(endpoint);
    await expectFieldError(await call(method, path, build()), field);
  });

  const ENDPOINTS: Endpoint[] = [
    'POST sources',
    'PATCH sources',
    'POST destinations',
    'PATCH destinations',
    'POST connections',
    'PATCH connections',
  ];

  const JSON_TYPE = { 'content-type': 'application/json' };
  // prettier-ignore
  const RAW: [string, Record<string, string>, string | undefined, string][] = [
    ['JSON text that does not parse', JSON_TYPE, '{"name": "S", ', 'not valid JSON'],
    ['a JSON array', JSON_TYPE, '[{"name":"S"}]', 'body: '],
    ['a JSON string', JSON_TYPE, '"name"', 'body: '],
    ['JSON null', JSON_TYPE, 'null', 'body is required'],
    ['an empty body announced as JSON', JSON_TYPE, '', 'cannot be empty'],
    ['no body at all', {}, undefined, 'body is required'],
  ];

  describe.each(ENDPOINTS)('%s', (endpoint) => {
    it.each(RAW)('refuses %s with 400', async (_what, headers, text, fragment) => {
      const { method, path } = target(endpoint);
      const res = await server.api(path, { method, headers, body: text });
      await expectError(res, 400, fragment);
    });

    it.each([
      ['a form', 'application/x-www-form-urlencoded', 'name=S&slug=s'],
      ['plain text', 'text/plain', '{"name":"S"}'],
    ])('refuses %s body with 415: the API speaks JSON', async (_what, type, text) => {
      const { method, path } = target(endpoint);
      const res = await server.api(path, { method, headers: { 'content-type': type }, body: text });
      await expectError(res, 415);
    });

    it('refuses a body over 1 MiB with 413', async () => {
      const { method, path } = target(endpoint);
      const huge = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
      await expectError(await call(method, path, JSON.parse(huge)), 413);
    });
  });

  it('stores nothing when a create is refused', async () => {
    await expectError(await call('POST', '/api/v1/sources', src({ slug: 'BAD' })), 400);
    await expectError(await call('POST', '/api/v1/destinations', dst({ timeoutMs: -1 })), 400);
    const counts = await withDb(
      async (c) =>
        (
          await c.query(
            `SELECT (SELECT count(*)::int FROM sources) AS s, (SELECT count(*)::int FROM destinations) AS d`,
          )
        ).rows[0],
    );
    expect(counts).toEqual({ s: 1, d: 1 });
  });
});

// ---------------------------------------------------------- destinations

describe('destinations', () => {
  it('creates a destination with the documented defaults', async () => {
    const res = await call('POST', '/api/v1/destinations', {
      name: 'CI',
      url: 'http://127.0.0.1:9000/hook',
    });
    expect(await expectStatus(res, 201)).toEqual({
      id: UUID,
      name: 'CI',
      type: 'http',
      url: 'http://127.0.0.1:9000/hook',
      cli: null,
      timeoutMs: 10_000,
      retry: { maxAttempts: 9, initialDelayMs: 10_000, maxDelayMs: 43_200_000 },
      headers: {},
      rateLimitPerSecond: null,
      hasSigningSecret: false,
      paused: false,
      disabledAt: null,
      disabledReason: null,
      consecutiveFailures: 0,
      recentAttempts: {
        windowHours: 24,
        attempts: 0,
        succeeded: 0,
        successRate: null,
        p50DurationMs: null,
      },
      createdAt: ISO_TIME,
      updatedAt: ISO_TIME,
    });
  });

  it('fills the retry fields that a partial retry policy leaves out', async () => {
    const destination = await createDestination({
      retry: { maxAttempts: 3 },
      headers: { 'X-Env': 'dev' },
    });
    expect(destination.retry).toEqual({
      maxAttempts: 3,
      initialDelayMs: 10_000,
      maxDelayMs: 43_200_000,
    });
    expect(destination.headers).toEqual({ 'X-Env': 'dev' });
  });

  it('keeps the signing secret write-only, showing only hasSigningSecret', async () => {
    const secret = whsec();
    const created = await createDestination({ signingSecret: secret });
    expect(created.hasSigningSecret).toBe(true);
    const rotated = whsec();
    const texts = [
      JSON.stringify(created),
      await (await call('GET', `/api/v1/destinations/${created.id}`)).text(),
      await (await call('GET', '/api/v1/destinations')).text(),
      await (
        await call('PATCH', `/api/v1/destinations/${created.id}`, { signingSecret: rotated })
      ).text(),
    ];
    for (const text of texts) {
      expect(text).toContain('"hasSigningSecret":true');
      for (const s of [secret, rotated]) expect(text).not.toContain(s.slice('whsec_'.length));
    }
    const cleared = await expectStatus<DestinationResponse>(
      await call('PATCH', `/api/v1/destinations/${created.id}`, { signingSecret: null }),
      200,
    );
    expect(cleared.hasSigningSecret).toBe(false);
  });

  it('pauses and resumes with PATCH', async () => {
    const destination = await createDestination();
    const pause = await call('PATCH', `/api/v1/destinations/${destination.id}`, { paused: true });
    expect((await expectStatus<DestinationResponse>(pause, 200)).paused).toBe(true);
    const got = await expectStatus<DestinationResponse>(
      await call('GET', `/api/v1/destinations/${destination.id}`),
      200,
    );
    expect(got).toEqual({ ...destination, paused: true, updatedAt: ISO_TIME });

    const resume = await call('PATCH', `/api/v1/destinations/${destination.id}`, { paused: false });
    expect((await expectStatus<DestinationResponse>(resume, 200)).paused).toBe(false);
  });

  it('re-enables a disabled destination with PATCH { disabled: false }', async () => {
    const destination = await createDestination();
    await withDb((c) =>
      c.query(
        `UPDATE destinations SET disabled_at = now(), disabled_reason = '410 Gone', consecutive_failures = 12 WHERE id = $1`,
        [destination.id],
      ),
    );
    const before = await expectStatus<DestinationResponse>(
      await call('GET', `/api/v1/destinations/${destination.id}`),
      200,
    );
    expect(before).toMatchObject({
      disabledAt: ISO_TIME,
      disabledReason: '410 Gone',
      consecutiveFailures: 12,
    });

    const res = await call('PATCH', `/api/v1/destinations/${destination.id}`, { disabled: false });
    expect(await expectStatus(res, 200)).toMatchObject({
      disabledAt: null,
      disabledReason: null,
      consecutiveFailures: 0,
    });
  });

  it('deletes with 204, after which the destination and its connections are gone', async () => {
    const source = await createSource();
    const destination = await createDestination();
    const kept = await createDestination({ name: 'Kept' });
    const connection = await createConnection({
      sourceId: source.id,
      destinationId: destination.id,
    });
    const other = await createConnection({ sourceId: source.id, destinationId: kept.id });

    const res = await call('DELETE', `/api/v1/destinations/${destination.id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    await expectError(await call('GET', `/api/v1/destinations/${destination.id}`), 404);
    await expectError(
      await call('PATCH', `/api/v1/destinations/${destination.id}`, { paused: true }),
      404,
    );
    await expectError(await call('DELETE', `/api/v1/destinations/${destination.id}`), 404);
    await expectError(await call('GET', `/api/v1/connections/${connection.id}`), 404);

    const connections = await expectStatus<Page<ConnectionResponse>>(
      await call('GET', `/api/v1/connections?sourceId=${source.id}`),
      200,
    );
    expect(ids(connections)).toEqual([other.id]);
    const destinations = await expectStatus<Page<DestinationResponse>>(
      await call('GET', '/api/v1/destinations'),
      200,
    );
    expect(ids(destinations)).toEqual([kept.id]);
  });
});

// ----------------------------------------------------------- connections

describe('connections', () => {
  let source: SourceResponse;
  let destination: DestinationResponse;

  beforeEach(async () => {
    source = await createSource();
    destination = await createDestination();
  });

  it('connects a source to a destination with 201', async () => {
    const res = await call('POST', '/api/v1/connections', {
      sourceId: source.id,
      destinationId: destination.id,
    });
    expect(await expectStatus(res, 201)).toEqual({
      id: UUID,
      sourceId: source.id,
      destinationId: destination.id,
      filter: null,
      createdAt: ISO_TIME,
    });
  });

  it('answers 404 naming an unknown source', async () => {
    const missing = randomUUID();
    const res = await call('POST', '/api/v1/connections', {
      sourceId: missing,
      destinationId: destination.id,
    });
    await expectError(res, 404, 'Source', missing);
  });

  it('answers 404 naming an unknown destination', async () => {
    const missing = randomUUID();
    const res = await call('POST', '/api/v1/connections', {
      sourceId: source.id,
      destinationId: missing,
    });
    await expectError(res, 404, 'Destination', missing);
  });

  it('answers 404 for a source that was deleted', async () => {
    expect((await call('DELETE', `/api/v1/sources/${source.id}`)).status).toBe(204);
    const res = await call('POST', '/api/v1/connections', {
      sourceId: source.id,
      destinationId: destination.id,
    });
    await expectError(res, 404, source.id);
  });

  it('answers 409 when the pair is already connected', async () => {
    await createConnection({ sourceId: source.id, destinationId: destination.id });
    const res = await call('POST', '/api/v1/connections', {
      sourceId: source.id,
      destinationId: destination.id,
    });
    await expectError(res, 409);
  });

  it('lists connections filtered by sourceId or destinationId', async () => {
    const otherSource = await createSource();
    const otherDestination = await createDestination();
    const a = await createConnection({ sourceId: source.id, destinationId: destination.id });
    const b = await createConnection({ sourceId: source.id, destinationId: otherDestination.id });
    const c = await createConnection({ sourceId: otherSource.id, destinationId: destination.id });

    const list = async (query: string) =>
      ids(
        await expectStatus<Page<ConnectionResponse>>(
          await call('GET', `/api/v1/connections${query}`),
          200,
        ),
      ).sort();
    expect(await list(`?sourceId=${source.id}`)).toEqual([a.id, b.id].sort());
    expect(await list(`?destinationId=${destination.id}`)).toEqual([a.id, c.id].sort());
    expect(await list(`?sourceId=${otherSource.id}&destinationId=${destination.id}`)).toEqual([
      c.id,
    ]);
    expect(await list('')).toEqual([a.id, b.id, c.id].sort());
    await expectFieldError(await call('GET', '/api/v1/connections?sourceId=gh'), 'sourceId');
  });

  it('sets and clears the filter with PATCH', async () => {
    const connection = await createConnection({
      sourceId: source.id,
      destinationId: destination.id,
    });
    const filter = {
      headers: { 'X-GitHub-Event': 'push' },
      body: { 'repository.name': 'hookyard', draft: false },
    };
    const patched = await expectStatus<ConnectionResponse>(
      await call('PATCH', `/api/v1/connections/${connection.id}`, { filter }),
      200,
    );
    expect(patched).toEqual({ ...connection, filter });
    expect(
      await expectStatus(await call('GET', `/api/v1/connections/${connection.id}`), 200),
    ).toEqual(patched);

    const cleared = await call('PATCH', `/api/v1/connections/${connection.id}`, { filter: null });
    expect(await expectStatus(cleared, 200)).toEqual({ ...connection, filter: null });
  });

  it('deletes with 204, after which the pair can be connected again', async () => {
    const connection = await createConnection({
      sourceId: source.id,
      destinationId: destination.id,
    });
    const res = await call('DELETE', `/api/v1/connections/${connection.id}`);
    expect(res.status).toBe(204);
    await expectError(await call('GET', `/api/v1/connections/${connection.id}`), 404);
    await createConnection({ sourceId: source.id, destinationId: destination.id });
  });
});

// ---------------------------------------------------------------- events

describe('events', () => {
  let source: SourceResponse;

  beforeEach(async () => {
    source = await createSource({ slug: 'ev' });
  });

  /** Pins events to known receive times, so time filters and ordering do not depend on the clock. */
  async function setReceivedAt(times: Record<string, string>): Promise<void> {
    await withDb(async (c) => {
      for (const [id, at] of Object.entries(times)) {
        await c.query('UPDATE events SET received_at = $2 WHERE id = $1', [id, at]);
      }
    });
  }

  it('lists events newest first, without their bodies', async () => {
    const first = await ingest('ev', { body: '{"n":1}' });
    const second = await ingest('ev', { body: '{"n":2}' });
    const third = await ingest('ev', { body: '{"n":3}' });
    await setReceivedAt({
      [first]: '2030-01-01T10:00:00Z',
      [second]: '2030-01-01T11:00:00Z',
      [third]: '2030-01-01T12:00:00Z',
    });
    const page = await listEvents();
    expect(ids(page)).toEqual([third, second, first]);
    expect(page.nextCursor).toBeNull();
    for (const item of page.data) {
      expect(item).not.toHaveProperty('body');
      expect(item).not.toHaveProperty('headers');
    }
    expect(page.data[0]).toEqual({
      id: third,
      sourceId: source.id,
      method: 'POST',
      path: '/',
      query: '',
      contentType: 'application/json',
      size: 7,
      sourceIp: '127.0.0.1',
      receivedAt: '2030-01-01T12:00:00.000Z',
      status: 'accepted',
      verified: true,
      rejectionReason: null,
      handshake: null,
      dedupeKey: null,
      deliveryCounts: { total: 0, pending: 0, succeeded: 0, failed: 0, dead: 0, cancelled: 0 },
    });
  });

  it('filters by sourceId', async () => {
    const other = await createSource({ slug: 'other' });
    const mine = await ingest('ev');
    const theirs = await ingest('other');
    expect(ids(await listEvents({ sourceId: source.id }))).toEqual([mine]);
    expect(ids(await listEvents({ sourceId: other.id }))).toEqual([theirs]);
    expect(ids(await listEvents({ sourceId: randomUUID() }))).toEqual([]);
  });

  it('filters by status: accepted or rejected', async () => {
    await createSource({ slug: 'gh', verification: { type: 'github', secrets: ['gh-secret'] } });
    const accepted = await ingest('ev');
    const unsigned = await fetch(`${server.url}/in/gh`, {
      method: 'POST',
      body: '{"zen":"unsigned"}',
    });
    const { id: rejected } = await expectStatus<{ id: string }>(unsigned, 401);

    expect(ids(await listEvents({ status: 'rejected' }))).toEqual([rejected]);
    expect(ids(await listEvents({ status: 'accepted' }))).toEqual([accepted]);
    const [item] = (await listEvents({ status: 'rejected' })).data;
    expect(item).toMatchObject({
      status: 'rejected',
      verified: false,
      rejectionReason: expect.any(String),
    });
  });

  it.each([
    ['a word in the body', 'zebra'],
    ['a word in the path', 'giraffe'],
    ['a header value', 'okapi'],
    ['a word in the query string', 'pangolin'],
  ])('finds an event by %s with q', async (_where, word) => {
    const inBody = await ingest('ev', { body: '{"animal":"zebra"}' });
    const inPath = await ingest('ev', { path: '/giraffe/enclosure' });
    const inHeader = await ingest('ev', { headers: { 'X-Animal': 'okapi' } });
    const inQuery = await ingest('ev', { path: '?animal=pangolin' });
    await ingest('ev', { body: '{"animal":"none"}' });
    const expected = { zebra: inBody, giraffe: inPath, okapi: inHeader, pangolin: inQuery }[word];
    expect(ids(await listEvents({ q: word }))).toEqual([expected]);
  });

  it('matches the path, query and headers whatever the case, the body byte for byte, and no word across two fields', async () => {
    const shipped = await ingest('ev', {
      path: '/Orders/Shipped?Region=EU',
      headers: { 'X-Tenant': 'ACME-Corp' },
    });
    const dhl = await ingest('ev', { body: '{"carrier":"dhl"}' });
    await ingest('ev', { path: '/gir?affe=1' });
    for (const q of ['orders/SHIPPED', 'region=eu', 'X-TENANT', 'acme-corp']) {
      expect({ q, found: ids(await listEvents({ q })) }).toEqual({ q, found: [shipped] });
    }
    expect(ids(await listEvents({ q: 'dhl' }))).toEqual([dhl]);
    expect(ids(await listEvents({ q: 'DHL' }))).toEqual([]);
    // The path ends "gir", the query starts "affe": one field each, never one word.
    expect(ids(await listEvents({ q: 'giraffe' }))).toEqual([]);
  });

  it('treats LIKE wildcards in q as plain characters', async () => {
    await ingest('ev', { body: '{"a":1}' });
    const percent = await ingest('ev', { body: '{"discount":"50%"}' });
    expect(ids(await listEvents({ q: '%' }))).toEqual([percent]);
    expect(ids(await listEvents({ q: '_' }))).toEqual([]);
  });

  it('filters by time: since is inclusive, until exclusive', async () => {
    const a = await ingest('ev');
    const b = await ingest('ev');
    const c = await ingest('ev');
    await setReceivedAt({
      [a]: '2030-01-01T10:00:00Z',
      [b]: '2030-01-01T11:00:00Z',
      [c]: '2030-01-01T12:00:00Z',
    });
    expect(ids(await listEvents({ since: '2030-01-01T11:00:00Z' }))).toEqual([c, b]);
    expect(ids(await listEvents({ until: '2030-01-01T11:00:00Z' }))).toEqual([a]);
    expect(
      ids(await listEvents({ since: '2030-01-01T10:30:00Z', until: '2030-01-01T11:30:00Z' })),
    ).toEqual([b]);
    expect(ids(await listEvents({ since: '2030-01-01T12:00:00+01:00' }))).toEqual([c, b]);
    await expectFieldError(await call('GET', '/api/v1/events?since=yesterday'), 'since');
  });

  /** Follows nextCursor to the end; answers every page. */
  async function walk(query: Record<string, string | number>): Promise<Page<EventSummary>[]> {
    const pages: Page<EventSummary>[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<EventSummary> = await listEvents({ ...query, ...(cursor && { cursor }) });
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 50);
    return pages;
  }

  it('walks every event exactly once, newest first, with cursor pagination', async () => {
    const created: string[] = [];
    for (let i = 0; i < 25; i++) created.push(await ingest('ev', { body: `{"i":${i}}` }));
    const all = ids(await listEvents({ limit: 200 }));
    expect([...all].sort()).toEqual([...created].sort());

    const pages = await walk({ limit: 7 });
    expect(pages.map((p) => p.data.length)).toEqual([7, 7, 7, 4]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(pages.flatMap(ids)).toEqual(all);
  });

  it('paginates without loss or repeats when events share the same receive time', async () => {
    const created: string[] = [];
    for (let i = 0; i < 10; i++) created.push(await ingest('ev'));
    await setReceivedAt(Object.fromEntries(created.map((id) => [id, '2030-01-01T10:00:00.123Z'])));
    const pages = await walk({ limit: 3 });
    expect(pages.map((p) => p.data.length)).toEqual([3, 3, 3, 1]);
    const walked = pages.flatMap(ids);
    expect(walked).toEqual([...created].sort().reverse());
  });

  it('paginates within a filter', async () => {
    await createSource({ slug: 'noise' });
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) {
      mine.push(await ingest('ev'));
      await ingest('noise');
    }
    const walked = (await walk({ sourceId: source.id, limit: 2 })).flatMap(ids);
    expect([...walked].sort()).toEqual([...mine].sort());
    expect(walked).toHaveLength(5);
  });

  it.each([
    ['a garbage cursor', 'cursor=garbage', 'cursor'],
    [
      'a cursor of another shape',
      `cursor=${Buffer.from('2030-01-01|not-an-id').toString('base64url')}`,
      'cursor',
    ],
    ['limit 0', 'limit=0', 'limit'],
    ['limit 500', 'limit=500', 'limit'],
    ['a limit that is not a number', 'limit=ten', 'limit'],
    ['an unknown status', 'status=delivered', 'status'],
    ['a sourceId that is not a UUID', 'sourceId=ev', 'sourceId'],
    ['an unknown parameter', 'order=asc', 'order'],
  ])('answers 400 naming the parameter for %s', async (_what, query, field) => {
    await expectFieldError(await call('GET', `/api/v1/events?${query}`), field);
  });

  it('gets one event with its headers, body and (no) deliveries', async () => {
    const id = await ingest('ev', {
      path: '/push?ref=main',
      body: '{"action":"opened"}',
      headers: { 'X-GitHub-Event': 'push' },
    });
    const event = await expectStatus<EventResponse>(await call('GET', `/api/v1/events/${id}`), 200);
    expect(event).toMatchObject({
      id,
      sourceId: source.id,
      method: 'POST',
      path: '/push',
      query: 'ref=main',
      contentType: 'application/json',
      size: 19,
      status: 'accepted',
      verified: true,
      rejectionReason: null,
      body: '{"action":"opened"}',
      bodyEncoding: 'utf8',
      rejection: null,
      deliveries: [],
    });
    expect(event.headers).toMatchObject({
      'X-GitHub-Event': 'push',
      'content-type': 'application/json',
    });
  });

  it('answers 404 naming an unknown event id', async () => {
    const missing = randomUUID();
    await expectError(await call('GET', `/api/v1/events/${missing}`), 404, missing);
  });
});
