import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { startServer, truncateAll, withDb, type TestServer } from './helpers';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => truncateAll());

const GITHUB_SECRET = 'gh-secret-1';
const githubSignature = (body: Buffer | string, secret = GITHUB_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

async function createSource(input: Record<string, unknown>) {
  const res = await server.api('/api/v1/sources', { method: 'POST', json: input });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; slug: string };
}

async function storedEvent(id: string) {
  return withDb(async (c) => (await c.query('SELECT * FROM events WHERE id = $1', [id])).rows[0]);
}

describe('ingest: bodies are stored byte for byte', () => {
  it.each([
    ['binary', 'application/octet-stream', Buffer.from([0, 255, 1, 254, 0x80, 0x0d, 0x0a, 0, 7])],
    ['UTF-8 JSON', 'application/json', Buffer.from('{"emoji":"🪝","text":"héllo"}\n', 'utf8')],
    [
      'form',
      'application/x-www-form-urlencoded',
      Buffer.from('payload=%7B%22a%22%3A1%7D&x=%E2%9C%93'),
    ],
    ['XML', 'application/xml', Buffer.from('<?xml version="1.0"?><a b="1">ü</a>')],
  ])('%s body', async (_kind, contentType, body) => {
    await createSource({ name: 'Any', slug: 'any' });
    const res = await fetch(`${server.url}/in/any/sub/path?x=1&y=two`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'X-Custom': 'Kept-Case' },
      body,
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const row = await storedEvent(id);
    expect(Buffer.compare(row.body, body)).toBe(0);
    expect(row.size).toBe(body.length);
    expect(row.path).toBe('/sub/path');
    expect(row.query).toBe('x=1&y=two');
    expect(row.content_type).toBe(contentType);
    expect(row.headers).toContainEqual(['X-Custom', 'Kept-Case']);

    const api = (await (await server.api(`/api/v1/events/${id}`)).json()) as Record<
      string,
      unknown
    >;
    const encoding = api.bodyEncoding as BufferEncoding;
    expect(Buffer.compare(Buffer.from(api.body as string, encoding), body)).toBe(0);
  });

  it('keeps a body sent without a content type, and any method', async () => {
    await createSource({ name: 'Any', slug: 'any' });
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const res = await fetch(`${server.url}/in/any`, { method, body: 'raw' });
      expect(res.status).toBe(202);
      const row = await storedEvent(((await res.json()) as { id: string }).id);
      expect(row.method).toBe(method);
      expect(row.body.toString()).toBe('raw');
    }
    const get = await fetch(`${server.url}/in/any?ping=1`);
    expect(get.status).toBe(202);
  });
});

describe('ingest: answers', () => {
  it('404 for an unknown source', async () => {
    const res = await fetch(`${server.url}/in/nope`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'No source with slug "nope"',
    });
  });

  it('401 for a bad signature, with the rejected event recorded and its reason', async () => {
    await createSource({
      name: 'GitHub',
      slug: 'gh',
      verification: { type: 'github', secrets: [GITHUB_SECRET] },
    });
    const body = '{"zen":"Keep it logically awesome."}';
    const res = await fetch(`${server.url}/in/gh`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': githubSignature(body, 'wrong'),
      },
      body,
    });
    expect(res.status).toBe(401);
    const answer = (await res.json()) as { id: string; statusCode: number; message: string };
    expect(answer.statusCode).toBe(401);
    expect(answer.message).toBe('Signature does not match');
    const event = (await (await server.api(`/api/v1/events/${answer.id}`)).json()) as {
      status: string;
      verified: boolean;
      body: string;
      rejectionReason: string | null;
      rejection: { code: string; secretsTried: number };
    };
    expect(event.status).toBe('rejected');
    expect(event.verified).toBe(false);
    expect(event.body).toBe(body);
    expect(event.rejection.code).toBe('signature_mismatch');
    expect(event.rejection.secretsTried).toBe(1);
    expect(event.rejectionReason).toEqual(expect.any(String));
  });

  it('401 names the missing header', async () => {
    await createSource({
      name: 'GitHub',
      slug: 'gh',
      verification: { type: 'github', secrets: [GITHUB_SECRET] },
    });
    const res = await fetch(`${server.url}/in/gh`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toContain('X-Hub-Signature-256');
  });

  it('202 with the id for a valid signature, from any of several secrets', async () => {
    await createSource({
      name: 'GitHub',
      slug: 'gh',
      verification: { type: 'github', secrets: ['old-secret', GITHUB_SECRET] },
    });
    const body = '{"action":"opened"}';
    const res = await fetch(`${server.url}/in/gh`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': githubSignature(body) },
      body,
    });
    expect(res.status).toBe(202);
    // Framed by its length, not chunked.
    expect(res.headers.get('transfer-encoding')).toBeNull();
    const text = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    const { id } = JSON.parse(text) as { id: string };
    expect((await storedEvent(id)).status).toBe('accepted');
  });

  it('413 from Content-Length, before the body is read', async () => {
    await createSource({ name: 'Small', slug: 'small', maxBodyBytes: 1024 });
    // Announce 10 MB but send only a few bytes: the answer must come without waiting for the rest.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${server.url}/in/small`, {
        method: 'POST',
        headers: { 'content-length': String(10 * 1024 * 1024), 'content-type': 'application/json' },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.write('{"a":');
    });
    expect(status).toBe(413);
    expect(
      await withDb(async (c) => (await c.query('SELECT count(*)::int AS n FROM events')).rows[0].n),
    ).toBe(0);
  });

  it('413 when a chunked body grows past the limit', async () => {
    await createSource({ name: 'Small', slug: 'small', maxBodyBytes: 1024 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${server.url}/in/small`, {
        method: 'POST',
        headers: { 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
      );
      let sent = 0;
      const pump = (): void => {
        while (sent < 64 * 1024) {
          sent += 512;
          if (!req.write(Buffer.alloc(512, 97))) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(
      await withDb(async (c) => (await c.query('SELECT count(*)::int AS n FROM events')).rows[0].n),
    ).toBe(0);
  });

  it('accepts a body exactly at the limit', async () => {
    await createSource({ name: 'Small', slug: 'small', maxBodyBytes: 1024 });
    const res = await fetch(`${server.url}/in/small`, {
      method: 'POST',
      body: Buffer.alloc(1024, 98),
    });
    expect(res.status).toBe(202);
  });
});
