import { DEFAULT_TOLERANCE_SECONDS } from './types';

/** Above this a "Unix seconds" value is really milliseconds (1e12 s is the year 33658). */
export const MILLISECONDS_THRESHOLD = 1e12;

/**
 * The tolerance to apply: the rule's value when it is a positive finite number,
 * else the default. A missing, zero, negative or non-numeric tolerance never
 * disables the check (unlike stripe-node, where 0 skips it): replay protection
 * stays on unless a window is explicitly widened.
 */
export function resolveTolerance(toleranceSeconds: number | undefined): number {
  return toleranceSeconds !== undefined && Number.isFinite(toleranceSeconds) && toleranceSeconds > 0
    ? toleranceSeconds
    : DEFAULT_TOLERANCE_SECONDS;
}

/** Unix seconds from a header value: digits only (surrounding spaces allowed). */
export function parseUnixSeconds(raw: string): number | undefined {
  const trimmed = raw.trim();
  if (!/^\d{1,16}$/.test(trimmed)) {
    return undefined;
  }
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : undefined;
}

export function unixSeconds(now: Date | undefined): number {
  return Math.floor((now ?? new Date()).getTime() / 1000);
}

/** now − timestamp in whole seconds: positive when the request is old, negative when it is from the future. */
export function skewSeconds(timestamp: number, now: Date | undefined): number {
  return unixSeconds(now) - timestamp;
}

/** Both directions are checked: a timestamp too far in the past or in the future is refused. */
export function withinTolerance(skew: number, toleranceSeconds: number): boolean {
  return Math.abs(skew) <= toleranceSeconds;
}
