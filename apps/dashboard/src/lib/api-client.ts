import type { ApiErrorBody } from '@hookyard/contracts';
import { getToken, signOut } from './session';

/** The management API, on the dashboard's own origin (one port; Vite proxies it in dev). */
export const API_BASE = '/api/v1';

/** What the API answered instead of a 2xx: its `{ statusCode, error, message }`. */
export class ApiError extends Error implements ApiErrorBody {
  readonly statusCode: number;
  readonly error: string;

  constructor({ statusCode, error, message }: ApiErrorBody) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.error = error;
  }
}

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions extends Omit<RequestInit, 'body'> {
  /** Sent as JSON. */
  body?: unknown;
  /** Appended as a query string; null, undefined and '' are left out. */
  query?: QueryParams;
  /** A token to try instead of the session's (the sign-in form checks one before keeping it). */
  token?: string;
}

/** `/api/v1` + path + query string. */
export function apiUrl(path: string, query: QueryParams = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const qs = search.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  const body = value as Partial<ApiErrorBody> | null;
  return typeof body?.statusCode === 'number' && typeof body.message === 'string';
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body: unknown = JSON.parse(text);
    if (isApiErrorBody(body)) {
      return new ApiError({
        statusCode: body.statusCode,
        error: typeof body.error === 'string' ? body.error : response.statusText,
        message: body.message,
      });
    }
  } catch {
    // Not JSON: a proxy's or gateway's page. Fall through to the status line.
  }
  return new ApiError({
    statusCode: response.status,
    error: response.statusText || 'Error',
    message: `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
  });
}

/**
 * The one way the dashboard calls the API: JSON in and out, the session's bearer token, and
 * an `ApiError` for anything but a 2xx. A 401 with the session's token signs out.
 */
export async function request<T>(path: string, init: RequestOptions = {}): Promise<T> {
  const { body, query, token: tokenOverride, headers: extraHeaders, ...rest } = init;
  const token = tokenOverride ?? getToken();
  const headers = new Headers(extraHeaders);
  headers.set('Accept', 'application/json');
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (body !== undefined) headers.set('Content-Type', 'application/json');

  let response: Response;
  try {
    response = await fetch(apiUrl(path, query), {
      ...rest,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      statusCode: 0,
      error: 'Network Error',
      message: 'The server could not be reached',
    });
  }

  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && tokenOverride === undefined && token !== null) {
      signOut('The server refused the token: sign in again.');
    }
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
