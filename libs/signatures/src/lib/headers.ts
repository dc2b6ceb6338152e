import type { IncomingHeaders } from './types';

/**
 * The value of a header, looked up case-insensitively. Repeated headers given
 * as an array are joined with ", ", as Node does for most headers, so a value
 * reads the same whichever way the caller collected it. `undefined` when absent.
 */
export function headerValue(headers: IncomingHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value = headers[lower];
  if (value === undefined) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === lower);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? undefined : value.join(', ');
  }
  return value;
}

/** True when the header is present with a non-blank value. */
export function hasHeader(headers: IncomingHeaders, name: string): boolean {
  const value = headerValue(headers, name);
  return value !== undefined && value.trim() !== '';
}

export const RECEIVED_MAX_LENGTH = 200;

/** A header value cut to a length that is safe to store and show. */
export function truncate(value: string, max = RECEIVED_MAX_LENGTH): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
