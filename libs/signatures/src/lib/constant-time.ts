import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Per-process key: the digests compared below are unpredictable to a sender. */
const COMPARISON_KEY = randomBytes(32);

function comparisonDigest(value: Uint8Array | string): Buffer {
  return createHmac('sha256', COMPARISON_KEY).update(value).digest();
}

/**
 * Equality in constant time for values of any length. Both sides are first
 * HMAC'd with a random per-process key, so `timingSafeEqual` always sees two
 * 32-byte buffers: neither the content nor the length of the expected value
 * leaks through timing. Strings are compared as their UTF-8 bytes.
 */
export function constantTimeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  return timingSafeEqual(comparisonDigest(a), comparisonDigest(b));
}
