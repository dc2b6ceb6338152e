import { Buffer } from 'node:buffer';
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

/**
 * Equality in constant time for a value whose length is public: a signature's length follows
 * from its algorithm and encoding, so only a difference in length returns early, and no
 * digest of either side is needed (one HMAC per request fewer on the ingest path).
 */
export function constantTimeEqualPublicLength(expected: string, received: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}
