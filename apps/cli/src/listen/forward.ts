import {
  CLI_RESPONSE_BODY_LIMIT,
  type AttemptErrorKind,
  type CliAttemptRequest,
  type CliDelivery,
} from '@hookyard/contracts';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), and the two the
 * local request sets itself: `host` (the local target's) and `content-length` (the body's).
 */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
  'content-length',
];

/** What the CLI sends to the local target for one delivery. */
export interface LocalRequest {
  url: string;
  method: string;
  /** Names as the provider sent them; repeated headers stay repeated. */
  headers: Record<string, string[]>;
  body: Buffer;
}

/**
 * The local URL with the event's sub-path and query appended, as the server does for its
 * destinations: `http://localhost:3000/hooks` + `/orders` + `a=1` →
 * `http://localhost:3000/hooks/orders?a=1`.
 */
export function localUrl(forwardTo: string, path: string, query: string): string {
  const url = new URL(forwardTo);
  if (path !== '/' && path !== '') url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  if (query !== '') url.search = url.search ? `${url.search}&${query}` : `?${query}`;
  return url.toString();
}

/**
 * The provider's request, aimed at the local target: same method, headers and body, minus
 * hop-by-hop headers (and any the `Connection` header names); `Host` becomes the target's.
 */
export function localRequest(forwardTo: string, delivery: CliDelivery): LocalRequest {
  const url = localUrl(forwardTo, delivery.path, delivery.query);
  const dropped = new Set(HOP_BY_HOP_HEADERS);
  for (const [name, value] of delivery.headers) {
    if (name.toLowerCase() !== 'connection') continue;
    for (const token of value.split(',')) dropped.add(token.trim().toLowerCase());
  }
  const body = Buffer.from(delivery.body, 'base64');
  const headers: Record<string, string[]> = { Host: [new URL(url).host] };
  const names = new Map<string, string>();
  for (const [name, value] of delivery.headers) {
    const lower = name.toLowerCase();
    if (dropped.has(lower)) continue;
    const key = names.get(lower) ?? name;
    names.set(lower, key);
    (headers[key] ??= []).push(value);
  }
  const bodiless = body.length === 0 && ['GET', 'HEAD'].includes(delivery.method.toUpperCase());
  if (!bodiless) headers['Content-Length'] = [String(body.length)];
  return { url, method: delivery.method, headers, body };
}

/** How the local target answered, or why it did not. */
export interface ForwardResult {
  statusCode: number | null;
  /** Lower-case names; repeated values joined with ", ". */
  headers: Record<string, string> | null;
  /** At most CLI_RESPONSE_BODY_LIMIT bytes; the rest is discarded. */
  body: Buffer | null;
  bodyTruncated: boolean;
  durationMs: number;
  error: { kind: AttemptErrorKind; message: string } | null;
}

/** Sends one request to the local target and never throws: every failure comes back as `error`. */
export function forward(req: LocalRequest, timeoutMs: number): Promise<ForwardResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(req.url);
  return new Promise((resolve) => {
    let answered = false;
    let timedOut = false;
    let settled = false;
    const finish = (result: Omit<ForwardResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const fail = (error: unknown) =>
      finish({
        statusCode: null,
        headers: null,
        body: null,
        bodyTruncated: false,
        error: classifyForwardError(error, { url, timeoutMs, timedOut, answered }),
      });

    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, values]) => [
        name,
        values.length === 1 ? values[0] : values,
      ]),
    );
    const outgoing = send(url, { method: req.method, headers }, (res) => {
      answered = true;
      readCapped(
        res,
        CLI_RESPONSE_BODY_LIMIT,
        (bytes, truncated) =>
          finish({
            statusCode: res.statusCode ?? null,
            headers: flattenHeaders(res.headers),
            body: bytes,
            bodyTruncated: truncated,
            error: null,
          }),
        fail,
      );
    });
    const timer = setTimeout(() => {
      timedOut = true;
      outgoing.destroy(new Error('timeout'));
    }, timeoutMs);
    outgoing.on('error', fail);
    outgoing.end(req.body.length > 0 ? req.body : undefined);
  });
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * Reads at most `limit` bytes; a longer body is cut there and its connection dropped. Calls
 * back synchronously, so that the outcome is settled before the socket's own errors arrive.
 */
function readCapped(
  res: IncomingMessage,
  limit: number,
  done: (bytes: Buffer, truncated: boolean) => void,
  fail: (error: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    const room = limit - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      done(Buffer.concat(chunks), true);
      res.destroy();
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  });
  res.on('end', () => done(Buffer.concat(chunks), false));
  res.on('error', fail);
  res.on('aborted', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'HPE_INVALID_EOF_STATE']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'ENODATA']);
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED|HOSTNAME_MISMATCH)/;

/**
 * Maps what the socket threw onto the server's attempt error kinds (ATTEMPT_ERROR_KINDS) and a
 * short message, as the server's own sender does for its destinations.
 */
export function classifyForwardError(
  error: unknown,
  context: { url: URL; timeoutMs: number; timedOut: boolean; answered: boolean },
): { kind: AttemptErrorKind; message: string } {
  const errors = error instanceof AggregateError ? [error, ...error.errors] : [error];
  const codes = errors.map((e) => {
    const code = (e as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : '';
  });
  const where = context.url.host;
  if (context.timedOut || codes.includes('ETIMEDOUT')) {
    return {
      kind: 'timeout',
      message: context.answered
        ? `the response body did not finish within ${context.timeoutMs} ms`
        : `no answer within ${context.timeoutMs} ms`,
    };
  }
  const tls = codes.find((code) => TLS_CODE.test(code));
  if (tls) return { kind: 'tls', message: `TLS error with ${where}: ${tls}` };
  if (codes.some((code) => DNS_CODES.has(code))) {
    return { kind: 'dns', message: `could not resolve ${context.url.hostname}` };
  }
  if (codes.includes('ECONNREFUSED')) {
    return { kind: 'connection_refused', message: `connection refused by ${where}` };
  }
  if (codes.some((code) => RESET_CODES.has(code))) {
    const before = context.answered ? 'during the response body' : 'before a response';
    return { kind: 'connection_reset', message: `connection closed by ${where} ${before}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: 'network',
    message: (message || codes.find(Boolean) || 'network error').slice(0, 300),
  };
}

/** The attempt report of a forwarded delivery, as POST /api/v1/cli/deliveries/:id/attempts takes it. */
export function attemptReport(
  delivery: Pick<CliDelivery, 'attempt'>,
  url: string,
  result: ForwardResult,
): CliAttemptRequest {
  return {
    attempt: delivery.attempt,
    url: url.slice(0, 4096),
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    responseHeaders: result.headers,
    responseBody: result.body === null ? null : result.body.toString('base64'),
    responseBodyTruncated: result.bodyTruncated,
    error: result.error === null ? null : result.error.message.slice(0, 2000),
    errorKind: result.error === null ? null : result.error.kind,
  };
}
