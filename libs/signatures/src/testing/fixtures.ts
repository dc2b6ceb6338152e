/**
 * Test helpers. They sign with node:crypto directly, independently of the
 * library's own signing code, so a bug there makes the tests fail.
 */
import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import type { IncomingHeaders, Rejection, SignedRequest, VerificationResult } from '../lib/types';

export const NOW = new Date('2024-06-01T12:00:00Z');
export const NOW_SECONDS = NOW.getTime() / 1000;

export function hmac(
  algorithm: 'sha1' | 'sha256' | 'sha512',
  key: string | Buffer,
  content: string | Buffer,
  encoding: 'hex' | 'base64',
): string {
  return createHmac(algorithm, key).update(content).digest(encoding);
}

export function request(
  headers: IncomingHeaders,
  body: string | Buffer,
  now: Date = NOW,
): SignedRequest {
  return { headers, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, now };
}

/** The rejection of a failed result; fails the test when the result is ok. */
export function rejectionOf(result: VerificationResult): Rejection {
  if (result.ok) {
    throw new Error(`expected a rejection, got ok (secretIndex ${result.secretIndex})`);
  }
  return result.rejection;
}

/** A rejection must never carry a secret or a full valid signature. */
export function expectNoLeak(
  result: VerificationResult,
  secrets: readonly string[],
  validSignatures: readonly string[],
): void {
  const text = JSON.stringify(rejectionOf(result));
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.replace(/^whsec_/, ''));
  }
  for (const signature of validSignatures) {
    expect(text.toLowerCase()).not.toContain(signature.toLowerCase());
  }
}
