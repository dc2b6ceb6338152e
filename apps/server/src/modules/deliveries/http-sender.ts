import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { AttemptErrorKind } from '@hookyard/contracts';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import {
  SsrfBlockedError,
  blockedReason,
  createGuardedLookup,
  type SsrfPolicy,
} from './ssrf-guard';

export interface OutboundRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
}

export interface OutboundResult {
  statusCode: number | null;
  /** Lower-case names; repeated values joined with ", ". */
  headers: Record<string, string> | null;
  /** At most `MAX_RESPONSE_BODY_BYTES`; the rest is discarded. */
  body: Buffer | null;
  bodyTruncated: boolean;
  /** Whole milliseconds from the start of the attempt to the end of reading the (truncated) body. */
  durationMs: number;
  error: { kind: AttemptErrorKind; message: string } | null;
}

export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;

/**
 * Request headers never copied onto an outbound request: hop-by-hop ones
 * (RFC 9110 §7.6.1), `host` and `content-length` (undici sets both from the URL
 * and the body), and `expect`, which undici refuses.
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
  'host',
  'content-length',
  'expect',
];

/** The same, to look names up in. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

const SSRF_HINT =
  'set HOOKYARD_ALLOW_PRIVATE_DESTINATIONS or HOOKYARD_ALLOWED_DESTINATION_CIDRS to allow';
const CONNECT_TIMEOUT_MS = 10_000;
const MAX_MESSAGE_LENGTH = 300;
const MAX_REMEMBERED_VERDICTS = 1024;

/**
 * The outbound HTTP layer of forwarding: one pooled keep-alive agent whose
 * every new connection goes through the SSRF guard, and `send()`, which turns
 * any outcome (answer, timeout, refusal, reset, bad certificate) into a result.
 */
@Injectable()
export class HttpSender implements OnModuleDestroy {
  private readonly policy: SsrfPolicy;
  private readonly agent: Agent;
  private readonly verdicts = new Map<string, string | null>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.policy = {
      allowPrivate: config.allowPrivateDestinations,
      allowedCidrs: config.allowedDestinationCidrs,
    };
    this.agent = new Agent({
      connections: 64,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connect: { timeout: CONNECT_TIMEOUT_MS, lookup: createGuardedLookup(this.policy) },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }

  /** `blockedReason` of an IP literal, remembered: the policy is fixed for the process. */
  private literalVerdict(ip: string): string | null {
    let verdict = this.verdicts.get(ip);
    if (verdict === undefined) {
      verdict = blockedReason(ip, this.policy);
      if (this.verdicts.size >= MAX_REMEMBERED_VERDICTS) this.verdicts.clear();
      this.verdicts.set(ip, verdict);
    }
    return verdict;
  }

  /** Sends one request and never throws: every failure comes back as `error`. */
  async send(req: OutboundRequest): Promise<OutboundResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const fail = (kind: AttemptErrorKind, message: string): OutboundResult => ({
      statusCode: null,
      headers: null,
      body: null,
      bodyTruncated: false,
      durationMs: elapsed(),
      error: { kind, message: truncate(message) },
    });

    let target: URL;
    try {
      target = new URL(req.url);
    } catch {
      return fail('network', 'invalid URL');
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return fail('ssrf_blocked', `only http and https URLs are forwarded, not ${target.protocol}`);
    }
    // Node does not resolve (so the guarded lookup never sees) an IP literal: judge it here.
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) !== 0) {
      const reason = this.literalVerdict(literal);
      if (reason !== null) return fail('ssrf_blocked', ssrfMessage(reason));
    }

    // The whole request's deadline. undici takes an EventEmitter as its signal, which costs
    // about a fortieth of an AbortController to make and to listen to.
    const deadline = new EventEmitter();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.emit('abort');
    }, req.timeoutMs);
    let answered = false;
    try {
      const bodiless = ['GET', 'HEAD'].includes(req.method.toUpperCase());
      const response = await request(target, {
        dispatcher: this.agent,
        method: req.method,
        headers: withUrlCredentials(forwardableHeaders(req.headers), target),
        body: bodiless ? undefined : req.body,
        signal: deadline,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      answered = true;
      const { bytes, truncated } = await readCapped(response.body, MAX_RESPONSE_BODY_BYTES);
      return {
        statusCode: response.statusCode,
        headers: flattenHeaders(response.headers),
        body: bytes,
        bodyTruncated: truncated,
        durationMs: elapsed(),
        error: null,
      };
    } catch (error) {
      const { kind, message } = classifySendError(error, {
        url: target,
        timeoutMs: req.timeoutMs,
        timedOut,
        answered,
      });
      return fail(kind, message);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * `req.headers` minus hop-by-hop ones, including any the `Connection` header names. Headers
 * with none of them (the executor's, which leaves them out already) come back as they are.
 */
export function forwardableHeaders(headers: Record<string, string>): Record<string, string> {
  const names = Object.keys(headers);
  if (!names.some((name) => HOP_BY_HOP.has(name.toLowerCase()))) return headers;
  const dropped = new Set(HOP_BY_HOP);
  for (const name of names) {
    if (name.toLowerCase() !== 'connection') continue;
    for (const token of headers[name].split(',')) dropped.add(token.trim().toLowerCase());
  }
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !dropped.has(name.toLowerCase())),
  );
}

/**
 * undici silently drops `user:pass@` from a URL: send it as Basic auth, as curl
 * does, unless the request already carries an `Authorization` header.
 */
function withUrlCredentials(headers: Record<string, string>, url: URL): Record<string, string> {
  if (url.username === '' && url.password === '') return headers;
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) return headers;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { ...headers, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * Reads at most `limit` bytes. A longer body is cut there and its stream
 * destroyed (the connection is dropped rather than drained: a target may send
 * gigabytes, and only the first `limit` bytes are ever kept).
 */
function readCapped(body: Readable, limit: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  // Events rather than `for await`: an async iterator costs each response several objects.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let read = false;
    const done = (truncated: boolean) => {
      read = true;
      resolve({ bytes: Buffer.concat(chunks), truncated });
    };
    const onData = (chunk: Buffer) => {
      const room = limit - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        body.off('data', onData);
        body.destroy();
        done(true);
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    body.on('data', onData);
    body.once('end', () => done(false));
    // A cut body, destroyed, emits undici's abort: ignored. Every body closes once read, so the
    // error for one that closed early is made only then (an Error is not cheap to make).
    body.once('error', (error) => {
      if (!read) reject(error);
    });
    body.once('close', () => {
      if (!read) reject(new Error('the response body closed before its end'));
    });
  });
}

export interface SendErrorContext {
  url: URL;
  timeoutMs: number;
  /** The attempt's own deadline fired. */
  timedOut: boolean;
  /** The status line and headers had arrived (the failure is in the body). */
  answered: boolean;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'ENODATA']);
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED|HOSTNAME_MISMATCH)/;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  address?: unknown;
  port?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error, its `cause` chain and an `AggregateError`'s members (Happy Eyeballs), outermost first. */
function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && chain.length < 16) {
    const next = pending.shift();
    if (typeof next !== 'object' || next === null || chain.includes(next)) continue;
    const e = next as ErrorLike;
    chain.push(e);
    if (e.cause !== undefined) pending.push(e.cause);
    if (Array.isArray(e.errors)) pending.push(...(e.errors as unknown[]));
  }
  return chain;
}

/** Maps whatever undici or the socket threw onto an attempt error kind and a short, human message. */
export function classifySendError(
  error: unknown,
  context: SendErrorContext,
): { kind: AttemptErrorKind; message: string } {
  const chain = errorChain(error);
  const codes = chain.map((e) => (typeof e.code === 'string' ? e.code : ''));
  const withCode = (test: (code: string) => boolean) =>
    chain.find((_, i) => test(codes[i])) ?? null;
  const where = hostPort(context.url);

  const ssrf = chain.find((e) => e instanceof SsrfBlockedError || e.code === 'SSRF_BLOCKED');
  if (ssrf) {
    const reason = ssrf instanceof SsrfBlockedError ? ssrf.reason : String(ssrf.message);
    return { kind: 'ssrf_blocked', message: ssrfMessage(reason) };
  }

  const timedOut =
    context.timedOut ||
    chain.some(
      (e, i) => TIMEOUT_CODES.has(codes[i]) || e.name === 'AbortError' || e.name === 'TimeoutError',
    );
  if (timedOut) {
    if (codes.includes('UND_ERR_CONNECT_TIMEOUT') && !context.timedOut) {
      return {
        kind: 'timeout',
        message: `could not connect to ${where} within ${CONNECT_TIMEOUT_MS} ms`,
      };
    }
    return {
      kind: 'timeout',
      message: context.answered
        ? `the response body did not finish within ${context.timeoutMs} ms`
        : `no answer within ${context.timeoutMs} ms`,
    };
  }

  const tls = withCode((code) => TLS_CODE.test(code));
  if (tls) return { kind: 'tls', message: `TLS error with ${where}: ${describe(tls)}` };

  const dns = withCode((code) => DNS_CODES.has(code));
  if (dns) {
    const temporary = dns.code === 'EAI_AGAIN' ? ' (temporary DNS failure)' : '';
    return { kind: 'dns', message: `could not resolve ${context.url.hostname}${temporary}` };
  }

  const refused = withCode((code) => code === 'ECONNREFUSED');
  if (refused) {
    const at =
      typeof refused.address === 'string' && typeof refused.port === 'number'
        ? formatHostPort(refused.address, refused.port)
        : where;
    return { kind: 'connection_refused', message: `connection refused by ${at}` };
  }

  if (withCode((code) => RESET_CODES.has(code))) {
    const before = context.answered ? 'during the response body' : 'before a response';
    return { kind: 'connection_reset', message: `connection closed by ${where} ${before}` };
  }

  return { kind: 'network', message: describe(chain[0] ?? {}) || 'network error' };
}

function ssrfMessage(reason: string): string {
  return `refused by the SSRF guard: ${reason} (${SSRF_HINT})`;
}

function describe(error: ErrorLike): string {
  const message = typeof error.message === 'string' ? error.message : '';
  const code = typeof error.code === 'string' ? error.code : '';
  if (message === '') return code;
  return code !== '' && !message.includes(code) ? `${message} (${code})` : message;
}

function hostPort(url: URL): string {
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return formatHostPort(url.hostname.replace(/^\[|\]$/g, ''), port);
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function truncate(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
