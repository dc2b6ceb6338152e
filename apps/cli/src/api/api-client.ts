import type { ApiErrorBody } from '@hookyard/contracts';
import { CliError } from '../cli-error';
import type { Settings } from '../config/settings';

/** The server answered with an error status; `message` is its one line, ready to print. */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** No answer at all: the URL is wrong, the server is down, or the network is. */
export class UnreachableError extends CliError {}

/** How long a plain API call may take (the delivery stream has no limit). */
const REQUEST_TIMEOUT_MS = 30_000;

export type Query = Record<string, string | number | undefined>;

export interface RequestOptions {
  json?: unknown;
  query?: Query;
  signal?: AbortSignal;
}

/**
 * The one way the CLI talks to Hookyard: base URL, bearer token, JSON in and out, and every
 * failure turned into an error whose message is one printable line.
 */
export class ApiClient {
  constructor(readonly settings: Settings) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const signal = options.signal
      ? AbortSignal.any([options.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
      : AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const response = await this.send(path, options.query, {
      method,
      headers: {
        ...this.authorization(),
        accept: 'application/json',
        ...(options.json !== undefined && { 'content-type': 'application/json' }),
      },
      ...(options.json !== undefined && { body: JSON.stringify(options.json) }),
      signal,
    });
    if (!response.ok) throw await this.errorOf(response, method, path);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(
        `${this.settings.url} did not answer ${method} ${path} with JSON: is it a Hookyard server?`,
        response.status,
      );
    }
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal });
  }

  post<T>(path: string, json: unknown, signal?: AbortSignal): Promise<T> {
    return this.request<T>('POST', path, { json, signal });
  }

  /** A `text/event-stream` response, open; its body is read by the caller until it ends. */
  async stream(
    path: string,
    options: { lastEventId?: string; signal: AbortSignal },
  ): Promise<Response> {
    const response = await this.send(path, undefined, {
      method: 'GET',
      headers: {
        ...this.authorization(),
        accept: 'text/event-stream',
        ...(options.lastEventId !== undefined && { 'last-event-id': options.lastEventId }),
      },
      signal: options.signal,
    });
    if (!response.ok) throw await this.errorOf(response, 'GET', path);
    if (response.body === null) {
      throw new ApiError(`${this.settings.url} sent an empty stream for ${path}`, response.status);
    }
    return response;
  }

  private authorization(): Record<string, string> {
    return { authorization: `Bearer ${this.settings.token}` };
  }

  private async send(path: string, query: Query | undefined, init: RequestInit): Promise<Response> {
    const url = new URL(`${this.settings.url}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    try {
      return await fetch(url, init);
    } catch (error) {
      // Our own abort (Ctrl-C, a dropped stream being replaced) is not a server problem.
      if (
        init.signal?.aborted &&
        (init.signal.reason as Error | undefined)?.name !== 'TimeoutError'
      ) {
        throw error;
      }
      throw new UnreachableError(
        `Cannot reach Hookyard at ${this.settings.url}: ${reasonOf(error)}`,
      );
    }
  }

  private async errorOf(response: Response, method: string, path: string): Promise<ApiError> {
    const body = (await response.json().catch(() => null)) as Partial<ApiErrorBody> | null;
    const message = typeof body?.message === 'string' ? body.message : undefined;
    if (response.status === 401) {
      return new ApiError(
        `The token was refused by ${this.settings.url} (401): log in again with a valid token`,
        401,
      );
    }
    if (message === undefined && response.status === 404) {
      return new ApiError(
        `${this.settings.url} has no ${method} ${path.split('?')[0]}: is it a Hookyard server of this version?`,
        404,
      );
    }
    return new ApiError(
      message ?? `${method} ${path} failed: ${response.status} ${response.statusText}`,
      response.status,
    );
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

/** Why `fetch` failed, in a few words: its `cause` (Happy Eyeballs: the first of several) says. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  let cause: unknown = error instanceof Error ? (error.cause ?? error) : error;
  if (cause instanceof AggregateError && cause.errors.length > 0) cause = cause.errors[0];
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_REASONS[code]) return NETWORK_REASONS[code];
  if (typeof code === 'string' && /CERT|TLS|SSL/.test(code)) return `TLS error (${code})`;
  const message = cause instanceof Error ? cause.message : String(cause);
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}
