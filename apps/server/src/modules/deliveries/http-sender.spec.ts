import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../../config/config';
import {
  HOP_BY_HOP_HEADERS,
  HttpSender,
  MAX_RESPONSE_BODY_BYTES,
  classifySendError,
  forwardableHeaders,
  type OutboundRequest,
} from './http-sender';
import { SsrfBlockedError } from './ssrf-guard';

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface TestServer {
  host: string;
  port: number;
  /** `http://host:port` with IPv6 hosts bracketed. */
  origin: string;
  requests: ReceivedRequest[];
  connections: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

const servers: TestServer[] = [];
const senders: HttpSender[] = [];

/** A real HTTP server on loopback that records every request (after reading its body) and every connection. */
async function startServer(handler: Handler, host = '127.0.0.1'): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  const state: TestServer = {
    host,
    port: 0,
    origin: '',
    requests,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://${host.includes(':') ? `[${host}]` : host}:${state.port}`;
  servers.push(state);
  return state;
}

function makeSender(overrides: Partial<AppConfig> = {}): HttpSender {
  const config = {
    allowPrivateDestinations: true,
    allowedDestinationCidrs: [],
    ...overrides,
  } as unknown as AppConfig;
  const sender = new HttpSender(config);
  senders.push(sender);
  return sender;
}

function post(url: string, extra: Partial<OutboundRequest> = {}): OutboundRequest {
  return {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from('{"hello":"world"}'),
    timeoutMs: 5000,
    ...extra,
  };
}

const ok: Handler = (_req, res) => res.end('ok');

afterEach(async () => {
  await Promise.all(senders.splice(0).map((sender) => sender.onModuleDestroy()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('HttpSender answers', () => {
  it('captures the status, lower-cased response headers (repeats joined with ", ") and body of a 2xx', async () => {
    const server = await startServer((_req, res) => {
      res.setHeader('X-Custom-Thing', 'yes');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.writeHead(201, { 'Content-Type': 'text/plain' });
      res.end('created');
    });
    const result = await makeSender().send(post(`${server.origin}/hook`));

    expect(result.error).toBeNull();
    expect(result.statusCode).toBe(201);
    expect(result.headers).toMatchObject({
      'x-custom-thing': 'yes',
      'set-cookie': 'a=1, b=2',
      'content-type': 'text/plain',
    });
    expect(result.body?.toString()).toBe('created');
    expect(result.bodyTruncated).toBe(false);
    expect(Number.isInteger(result.durationMs)).toBe(true);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(server.requests.map((r) => r.url)).toEqual(['/hook']);
  });

  it('keeps only the first 64 KiB of a longer response body and flags it as truncated', async () => {
    const big = Buffer.alloc(200 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const server = await startServer((_req, res) => res.end(big));
    const result = await makeSender().send(post(server.origin));

    expect(result.error).toBeNull();
    expect(result.statusCode).toBe(200);
    expect(result.bodyTruncated).toBe(true);
    expect(result.body?.length).toBe(MAX_RESPONSE_BODY_BYTES);
    expect(result.body?.equals(big.subarray(0, MAX_RESPONSE_BODY_BYTES))).toBe(true);
  });

  it('does not flag a body of exactly 64 KiB as truncated', async () => {
    const exact = Buffer.alloc(MAX_RESPONSE_BODY_BYTES, 'x');
    const server = await startServer((_req, res) => res.end(exact));
    const result = await makeSender().send(post(server.origin));

    expect(result.bodyTruncated).toBe(false);
    expect(result.body?.equals(exact)).toBe(true);
  });

  it('returns a 3xx as a plain status and does not follow it (the redirect target records nothing)', async () => {
    const target = await startServer(ok);
    const redirecting = await startServer((_req, res) => {
      res.writeHead(302, { Location: `${target.origin}/elsewhere` });
      res.end();
    });
    const result = await makeSender().send(post(redirecting.origin));

    expect(result.error).toBeNull();
    expect(result.statusCode).toBe(302);
    expect(result.headers?.location).toBe(`${target.origin}/elsewhere`);
    expect(redirecting.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
    expect(target.connections).toBe(0);
  });

  it('delivers the method and the exact body bytes, binary included', async () => {
    const server = await startServer(ok);
    const bytes = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]),
    ]);
    const result = await makeSender().send(
      post(server.origin, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
      }),
    );

    expect(result.statusCode).toBe(200);
    const [received] = server.requests;
    expect(received.method).toBe('PUT');
    expect(received.body.equals(bytes)).toBe(true);
    expect(received.headers['content-length']).toBe(String(bytes.length));
    expect(received.headers['content-type']).toBe('application/octet-stream');
  });

  it('sends GET and HEAD without a body', async () => {
    const server = await startServer(ok);
    const sender = makeSender();
    const get = await sender.send(post(server.origin, { method: 'GET', body: Buffer.from('x') }));
    const head = await sender.send(post(server.origin, { method: 'HEAD', body: Buffer.from('x') }));

    expect(get.statusCode).toBe(200);
    expect(head.statusCode).toBe(200);
    expect(head.body?.length).toBe(0);
    expect(server.requests.map((r) => [r.method, r.body.length])).toEqual([
      ['GET', 0],
      ['HEAD', 0],
    ]);
    for (const { headers } of server.requests) {
      expect(headers['transfer-encoding']).toBeUndefined();
      expect(headers['content-length'] ?? '0').toBe('0');
    }
  });

  it('drops hop-by-hop, host and length headers (and those named by Connection) and keeps the rest', async () => {
    const server = await startServer(ok);
    const body = Buffer.from('{"a":1}');
    const result = await makeSender().send(
      post(`${server.origin}/in`, {
        body,
        headers: {
          Connection: 'close, X-Per-Hop',
          'Keep-Alive': 'timeout=5',
          'Proxy-Connection': 'keep-alive',
          'Proxy-Authorization': 'Basic c2VjcmV0',
          TE: 'trailers',
          Trailer: 'X-Checksum',
          'Transfer-Encoding': 'chunked',
          Upgrade: 'websocket',
          Host: 'provider.example',
          'Content-Length': '999',
          Expect: '100-continue',
          'X-Per-Hop': 'drop me',
          'X-GitHub-Event': 'push',
          'Content-Type': 'application/json',
          Authorization: 'Bearer kept',
        },
      }),
    );

    expect(result.error).toBeNull();
    const { headers } = server.requests[0];
    expect(headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(headers['content-length']).toBe(String(body.length));
    expect(headers.connection).not.toMatch(/close/i);
    for (const name of ['keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer']) {
      expect(headers[name]).toBeUndefined();
    }
    for (const name of ['transfer-encoding', 'upgrade', 'expect', 'x-per-hop']) {
      expect(headers[name]).toBeUndefined();
    }
    expect(headers['x-github-event']).toBe('push');
    expect(headers['content-type']).toBe('application/json');
    expect(headers.authorization).toBe('Bearer kept');
    expect(server.requests[0].body.equals(body)).toBe(true);
  });

  it('sends credentials in the URL as Basic auth, unless an Authorization header is given', async () => {
    const server = await startServer(ok);
    const sender = makeSender();
    const withUserinfo = `http://hook%40user:p%3Ass@127.0.0.1:${server.port}/in`;
    await sender.send(post(withUserinfo));
    await sender.send(post(withUserinfo, { headers: { Authorization: 'Bearer explicit' } }));

    const expected = `Basic ${Buffer.from('hook@user:p:ss').toString('base64')}`;
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      expected,
      'Bearer explicit',
    ]);
  });

  it('exports the dropped header names in lower case', () => {
    expect(HOP_BY_HOP_HEADERS).toEqual(
      expect.arrayContaining(['connection', 'host', 'content-length']),
    );
    expect(HOP_BY_HOP_HEADERS.every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('passes headers with no hop-by-hop name through as they are, and filters one alone in any case', () => {
    const clean = { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' };
    expect(forwardableHeaders(clean)).toBe(clean);
    expect(forwardableHeaders({ ...clean, 'CONTENT-LENGTH': '999' })).toEqual(clean);
    expect(forwardableHeaders({ ...clean, Connection: 'X-GitHub-Event' })).toEqual({
      'Content-Type': 'application/json',
    });
  });

  it('reuses one kept-alive connection for two sequential sends to the same server', async () => {
    const server = await startServer(ok);
    const sender = makeSender();
    const first = await sender.send(post(server.origin));
    // undici hands the connection back to its pool one macrotask after the body ends;
    // the worker always has database I/O between two sends.
    await new Promise((resolve) => setImmediate(resolve));
    const second = await sender.send(post(server.origin));

    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(server.requests).toHaveLength(2);
    expect(server.connections).toBe(1);
  });
});

describe('HttpSender failures (never thrown, always an error kind)', () => {
  const timeoutMs = 500;

  it('ends as timeout within about timeoutMs when the target accepts the connection and never answers', async () => {
    const server = await startServer(() => undefined);
    const result = await makeSender().send(post(server.origin, { timeoutMs }));

    expect(result.statusCode).toBeNull();
    expect(result.error).toEqual({ kind: 'timeout', message: 'no answer within 500 ms' });
    expect(result.durationMs).toBeGreaterThanOrEqual(timeoutMs);
    expect(result.durationMs).toBeLessThanOrEqual(timeoutMs + 1500);
    expect(server.requests).toHaveLength(1);
  });

  it('ends as timeout within about timeoutMs when the target sends headers and then stalls the body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('partial');
    });
    const result = await makeSender().send(post(server.origin, { timeoutMs }));

    expect(result.statusCode).toBeNull();
    expect(result.body).toBeNull();
    expect(result.error).toEqual({
      kind: 'timeout',
      message: 'the response body did not finish within 500 ms',
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(timeoutMs);
    expect(result.durationMs).toBeLessThanOrEqual(timeoutMs + 1500);
  });

  it('ends as connection_refused on a closed port', async () => {
    const server = await startServer(ok);
    const { origin, port } = server;
    await server.close();
    const result = await makeSender().send(post(origin));

    expect(result.statusCode).toBeNull();
    expect(result.error).toEqual({
      kind: 'connection_refused',
      message: `connection refused by 127.0.0.1:${port}`,
    });
  });

  it('ends as connection_reset when the server destroys the socket', async () => {
    const server = await startServer((req) => req.socket.destroy());
    const result = await makeSender().send(post(server.origin));

    expect(result.statusCode).toBeNull();
    expect(result.error?.kind).toBe('connection_reset');
    expect(result.error?.message).toBe(
      `connection closed by 127.0.0.1:${server.port} before a response`,
    );
  });

  it('ends as network on a URL that cannot be parsed', async () => {
    const result = await makeSender().send(post('not a url'));
    expect(result.error).toEqual({ kind: 'network', message: 'invalid URL' });
  });
});

describe('HttpSender SSRF guard', () => {
  const hint =
    '(set HOOKYARD_ALLOW_PRIVATE_DESTINATIONS or HOOKYARD_ALLOWED_DESTINATION_CIDRS to allow)';

  it.each([
    ['http://127.0.0.1', 'v4', 'loopback address 127.0.0.1'],
    ['http://localhost', 'v4', 'loopback address 127.0.0.1'],
    ['http://[::ffff:127.0.0.1]', 'v4', 'loopback address 127.0.0.1 (embedded in ::ffff:7f00:1)'],
    ['http://2130706433', 'v4', 'loopback address 127.0.0.1'],
    ['http://[::1]', 'v6', 'loopback address ::1'],
  ])(
    'refuses %s when private destinations are not allowed, and the listening server receives nothing',
    async (base, family, reason) => {
      const server = await startServer(ok, family === 'v4' ? '127.0.0.1' : '::1');
      const result = await makeSender({ allowPrivateDestinations: false }).send(
        post(`${base}:${server.port}/hook`),
      );

      expect(result.statusCode).toBeNull();
      expect(result.error).toEqual({
        kind: 'ssrf_blocked',
        message: `refused by the SSRF guard: ${reason} ${hint}`,
      });
      expect(server.connections).toBe(0);
      expect(server.requests).toHaveLength(0);
    },
  );

  it.each([
    [
      'http://169.254.169.254/latest/meta-data/',
      'link-local (cloud metadata) address 169.254.169.254',
    ],
    ['http://10.0.0.1/hook', 'private address 10.0.0.1'],
  ])('refuses %s before connecting', async (url, reason) => {
    const result = await makeSender({ allowPrivateDestinations: false }).send(
      post(url, { timeoutMs: 200 }),
    );
    expect(result.error).toEqual({
      kind: 'ssrf_blocked',
      message: `refused by the SSRF guard: ${reason} ${hint}`,
    });
    expect(result.durationMs).toBeLessThan(100);
  });

  it('refuses a URL that is not http or https', async () => {
    const result = await makeSender({ allowPrivateDestinations: false }).send(
      post('file:///etc/passwd'),
    );
    expect(result.error).toEqual({
      kind: 'ssrf_blocked',
      message: 'only http and https URLs are forwarded, not file:',
    });
  });

  it('lets 127.0.0.1 through with allowedDestinationCidrs 127.0.0.1/32 while ::1 stays refused', async () => {
    const v4 = await startServer(ok, '127.0.0.1');
    const v6 = await startServer(ok, '::1');
    const sender = makeSender({
      allowPrivateDestinations: false,
      allowedDestinationCidrs: ['127.0.0.1/32'],
    });

    const allowed = await sender.send(post(`${v4.origin}/hook`));
    const refused = await sender.send(post(`${v6.origin}/hook`));

    expect(allowed.error).toBeNull();
    expect(allowed.statusCode).toBe(200);
    expect(v4.requests).toHaveLength(1);
    expect(refused.error?.kind).toBe('ssrf_blocked');
    expect(v6.connections).toBe(0);
  });
});

describe('classifySendError', () => {
  const context = {
    url: new URL('https://hooks.example:8443/x'),
    timeoutMs: 1000,
    timedOut: false,
    answered: false,
  };
  const withCode = (code: string, message = code) =>
    Object.assign(new Error(message), { code }) as NodeJS.ErrnoException;

  it.each([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_WRONG_VERSION_NUMBER',
  ])('classifies %s as tls', (code) => {
    const { kind, message } = classifySendError(withCode(code, 'bad certificate'), context);
    expect(kind).toBe('tls');
    expect(message).toBe(`TLS error with hooks.example:8443: bad certificate (${code})`);
  });

  it('classifies ENOTFOUND and EAI_AGAIN as dns', () => {
    expect(classifySendError(withCode('ENOTFOUND'), context)).toEqual({
      kind: 'dns',
      message: 'could not resolve hooks.example',
    });
    expect(classifySendError(withCode('EAI_AGAIN'), context)).toEqual({
      kind: 'dns',
      message: 'could not resolve hooks.example (temporary DNS failure)',
    });
  });

  it('finds an SsrfBlockedError wrapped in a cause', () => {
    const wrapped = new Error('connect failed', {
      cause: new SsrfBlockedError('10.0.0.1', 'private address 10.0.0.1'),
    });
    const { kind, message } = classifySendError(wrapped, context);
    expect(kind).toBe('ssrf_blocked');
    expect(message).toContain('private address 10.0.0.1');
  });

  it('looks inside an AggregateError (Happy Eyeballs) for the refusal', () => {
    const refused = Object.assign(withCode('ECONNREFUSED'), { address: '::1', port: 8443 });
    expect(classifySendError(new AggregateError([refused]), context)).toEqual({
      kind: 'connection_refused',
      message: 'connection refused by [::1]:8443',
    });
  });

  it.each(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'])(
    'classifies %s as connection_reset',
    (code) => {
      expect(classifySendError(withCode(code), context).kind).toBe('connection_reset');
    },
  );

  it.each(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])(
    'classifies %s as timeout',
    (code) => {
      expect(classifySendError(withCode(code), context)).toEqual({
        kind: 'timeout',
        message: 'no answer within 1000 ms',
      });
    },
  );

  it('classifies a connect timeout as timeout, naming the connect limit', () => {
    expect(classifySendError(withCode('UND_ERR_CONNECT_TIMEOUT'), context)).toEqual({
      kind: 'timeout',
      message: 'could not connect to hooks.example:8443 within 10000 ms',
    });
  });

  it('classifies an AbortError or TimeoutError as timeout', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    expect(classifySendError(abort, context).kind).toBe('timeout');
    expect(classifySendError(timeout, context).kind).toBe('timeout');
  });

  it('falls back to network with the error message for anything else', () => {
    expect(classifySendError(withCode('EHOSTUNREACH', 'connect EHOSTUNREACH'), context)).toEqual({
      kind: 'network',
      message: 'connect EHOSTUNREACH',
    });
    expect(classifySendError('weird', context)).toEqual({
      kind: 'network',
      message: 'network error',
    });
  });
});
