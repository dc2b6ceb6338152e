import { CLI_RESPONSE_BODY_LIMIT, cliAttemptSchema, type CliDelivery } from '@hookyard/contracts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attemptReport, forward, localRequest, localUrl } from './forward';

const delivery = (overrides: Partial<CliDelivery> = {}): CliDelivery => ({
  deliveryId: 'd1',
  attempt: 2,
  eventId: 'e1',
  method: 'POST',
  path: '/orders',
  query: 'id=7',
  headers: [
    ['Host', 'hookyard.example.com'],
    ['Content-Type', 'application/json'],
    ['Content-Length', '999'],
    ['Connection', 'keep-alive, X-Hop'],
    ['X-Hop', 'dropped'],
    ['Transfer-Encoding', 'chunked'],
    ['X-Multi', 'one'],
    ['x-multi', 'two'],
    ['X-Hub-Signature-256', 'sha256=abc'],
  ],
  body: Buffer.from('{"id":7}').toString('base64'),
  receivedAt: '2024-06-01T12:00:00.000Z',
  respondBy: null,
  ...overrides,
});

describe('localUrl', () => {
  it.each([
    ['http://localhost:3000/hooks', '/orders', 'a=1', 'http://localhost:3000/hooks/orders?a=1'],
    ['http://localhost:3000/hooks/', '/orders', '', 'http://localhost:3000/hooks/orders'],
    ['http://localhost:3000/', '', '', 'http://localhost:3000/'],
    ['http://localhost:3000/h?k=v', '/x', 'a=1', 'http://localhost:3000/h/x?k=v&a=1'],
  ])('%s + %s + %s', (base, path, query, url) => {
    expect(localUrl(base, path, query)).toBe(url);
  });
});

describe('localRequest', () => {
  it("keeps the provider's method, headers (repeats too) and body, and aims Host at the target", () => {
    const req = localRequest('http://127.0.0.1:3000/hooks', delivery());
    expect(req.url).toBe('http://127.0.0.1:3000/hooks/orders?id=7');
    expect(req.method).toBe('POST');
    expect(req.body.toString()).toBe('{"id":7}');
    expect(req.headers).toEqual({
      Host: ['127.0.0.1:3000'],
      'Content-Type': ['application/json'],
      'X-Multi': ['one', 'two'],
      'X-Hub-Signature-256': ['sha256=abc'],
      'Content-Length': ['8'],
    });
  });

  it('sends no Content-Length for a GET without a body', () => {
    const req = localRequest(
      'http://localhost:3000',
      delivery({ method: 'GET', body: '', headers: [] }),
    );
    expect(req.headers).toEqual({ Host: ['localhost:3000'] });
  });
});

describe('forward', () => {
  let server: Server;
  let received: { req: IncomingMessage; body: string }[];
  let respond: (req: IncomingMessage, res: ServerResponse) => void;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ req, body });
        respond(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  beforeEach(() => {
    received = [];
    respond = (_req, res) => res.writeHead(201, { 'X-Answer': 'yes' }).end('created');
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the request as built and returns the answer', async () => {
    const result = await forward(localRequest(base, delivery()), 5000);
    expect(received).toHaveLength(1);
    const { req, body } = received[0];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hooks/orders?id=7');
    expect(req.headers.host).toBe(new URL(base).host);
    expect(req.headers['x-multi']).toBe('one, two');
    expect(req.headers['x-hop']).toBeUndefined();
    expect(req.headers['content-length']).toBe('8');
    expect(body).toBe('{"id":7}');
    expect(result).toMatchObject({
      statusCode: 201,
      body: Buffer.from('created'),
      bodyTruncated: false,
      error: null,
    });
    expect(result.headers?.['x-answer']).toBe('yes');
  });

  it('cuts a response body at the limit', async () => {
    respond = (_req, res) => res.end(Buffer.alloc(CLI_RESPONSE_BODY_LIMIT + 100, 'a'));
    const result = await forward(localRequest(base, delivery()), 5000);
    expect(result.body?.length).toBe(CLI_RESPONSE_BODY_LIMIT);
    expect(result.bodyTruncated).toBe(true);
  });

  it('reports a target that does not answer in time as a timeout', async () => {
    respond = () => undefined;
    const result = await forward(localRequest(base, delivery()), 200);
    expect(result.error).toEqual({ kind: 'timeout', message: 'no answer within 200 ms' });
    expect(result.statusCode).toBeNull();
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
  });

  it('reports a target that is down as connection_refused', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise((resolve) => down.close(resolve));
    const result = await forward(localRequest(`http://127.0.0.1:${port}`, delivery()), 5000);
    expect(result.error).toEqual({
      kind: 'connection_refused',
      message: `connection refused by 127.0.0.1:${port}`,
    });
  });

  it('reports a connection closed before an answer as connection_reset', async () => {
    respond = (req) => req.socket.destroy();
    const result = await forward(localRequest(base, delivery()), 5000);
    expect(result.error?.kind).toBe('connection_reset');
  });
});

describe('attemptReport', () => {
  it('is an attempt the server contract accepts, body in base64', () => {
    const report = attemptReport(delivery(), 'http://localhost:3000/hooks/orders?id=7', {
      statusCode: 200,
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from('ok'),
      bodyTruncated: false,
      durationMs: 12,
      error: null,
    });
    expect(report).toEqual({
      attempt: 2,
      url: 'http://localhost:3000/hooks/orders?id=7',
      statusCode: 200,
      durationMs: 12,
      responseHeaders: { 'content-type': 'text/plain' },
      responseBody: 'b2s=',
      responseBodyTruncated: false,
      error: null,
      errorKind: null,
    });
    expect(cliAttemptSchema.safeParse(report).success).toBe(true);
  });

  it('carries the error and its kind when there was no answer', () => {
    const report = attemptReport(delivery(), 'http://localhost:1/', {
      statusCode: null,
      headers: null,
      body: null,
      bodyTruncated: false,
      durationMs: 3,
      error: { kind: 'connection_refused', message: 'connection refused by localhost:1' },
    });
    expect(report).toMatchObject({
      statusCode: null,
      responseBody: null,
      error: 'connection refused by localhost:1',
      errorKind: 'connection_refused',
    });
    expect(cliAttemptSchema.safeParse(report).success).toBe(true);
  });

  it('fits a truncated body within the contract', () => {
    const report = attemptReport(delivery(), 'http://x/', {
      statusCode: 200,
      headers: {},
      body: Buffer.alloc(CLI_RESPONSE_BODY_LIMIT, 1),
      bodyTruncated: true,
      durationMs: 1,
      error: null,
    });
    expect(cliAttemptSchema.safeParse(report).success).toBe(true);
  });
});
