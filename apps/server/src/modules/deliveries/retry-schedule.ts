import type { RetryPolicy } from '@hookyard/contracts';

/** ±20 % jitter, as Svix does, so that a burst of failures does not retry in lockstep. */
const JITTER = 0.2;

/**
 * The delay before attempt `attemptsMade + 1`: min(maxDelayMs, initialDelayMs × 4^(attemptsMade − 1))
 * with jitter. With the defaults: 10 s, 40 s, 2.7 min, 11 min, 43 min, 2.8 h, 11 h, 12 h: nine
 * attempts over about a day and a half.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  random = Math.random,
): number {
  const base = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * 4 ** Math.max(0, attemptsMade - 1),
  );
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  return Math.round(Math.min(policy.maxDelayMs, jittered));
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/**
 * When to try again after a failed attempt: the destination's schedule, or the
 * target's own `Retry-After` on 429 and 503, capped at the policy's maximum delay.
 */
export function nextRetryDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  response: { statusCode: number | null; retryAfter?: string },
  now: Date,
  random = Math.random,
): number {
  if (response.statusCode === 429 || response.statusCode === 503) {
    const asked = parseRetryAfter(response.retryAfter, now);
    if (asked !== null) return Math.min(policy.maxDelayMs, Math.max(1000, asked));
  }
  return retryDelayMs(policy, attemptsMade, random);
}
