import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { constantTimeEqualPublicLength } from './constant-time';
import type { HmacAlgorithm, SignatureEncoding } from './types';

/**
 * How one scheme turns (secret, body) into a signature. Every HMAC scheme here
 * is an instance: they differ in what is signed around the body, how a secret
 * becomes a key, and how the digest is written.
 */
export interface SignatureFormat {
  algorithm: HmacAlgorithm;
  encoding: SignatureEncoding;
  /** The exact bytes signed for a body: prefix strings joined with the raw body bytes. */
  content(body: Uint8Array): Buffer;
  /** The HMAC key a configured secret stands for; `undefined` when the secret cannot be one. */
  key(secret: string): Buffer | undefined;
}

export const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = {
  sha1: 20,
  sha256: 32,
  sha512: 64,
};

/** The body bytes as a Buffer without copying them. */
export function bodyBytes(body: Uint8Array): Buffer {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** `prefix` (UTF-8) followed by the raw body bytes, never decoding the body. */
export function prefixedBody(prefix: string, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(prefix, 'utf8'), body]);
}

export function utf8Key(secret: string): Buffer {
  return Buffer.from(secret, 'utf8');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** Standard base64 with padding, decoded strictly (Buffer.from alone accepts anything). */
export function decodeBase64Strict(value: string): Buffer | undefined {
  return value.length > 0 && BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
}

export function decodeHexStrict(value: string): Buffer | undefined {
  return HEX.test(value) ? Buffer.from(value, 'hex') : undefined;
}

export function decodeSignature(value: string, encoding: SignatureEncoding): Buffer | undefined {
  return encoding === 'hex' ? decodeHexStrict(value) : decodeBase64Strict(value);
}

export function hmacDigest(algorithm: HmacAlgorithm, key: Uint8Array, content: Uint8Array): Buffer {
  return createHmac(algorithm, key).update(content).digest();
}

/**
 * The signature, written as the scheme writes it, of a body under a secret used as UTF-8
 * (every string is such a key). For signing a request as its provider would.
 */
export function signWithUtf8Key(format: SignatureFormat, secret: string, body: Uint8Array): string {
  return hmacDigest(format.algorithm, utf8Key(secret), format.content(body)).toString(
    format.encoding,
  );
}

/** The digest a secret gives for a body, or `undefined` when the secret is unusable. */
export function digestFor(
  format: SignatureFormat,
  secret: string,
  body: Uint8Array,
): Buffer | undefined {
  const key = format.key(secret);
  return key === undefined ? undefined : hmacDigest(format.algorithm, key, format.content(body));
}

/** The signature, written as the scheme writes it, that a secret gives for a body. */
export function signatureFor(
  format: SignatureFormat,
  secret: string,
  body: Uint8Array,
): string | undefined {
  return digestFor(format, secret, body)?.toString(format.encoding);
}

/**
 * Constant-time comparison of two written signatures; hex is case-insensitive. The expected
 * one's length is public (its algorithm's and encoding's).
 */
export function signaturesEqual(
  expected: string,
  received: string,
  encoding: SignatureEncoding,
): boolean {
  return encoding === 'hex'
    ? constantTimeEqualPublicLength(expected.toLowerCase(), received.trim().toLowerCase())
    : constantTimeEqualPublicLength(expected, received.trim());
}

/**
 * Index of the first secret whose signature equals one of the received ones
 * (several arrive during the sender's rotation, several are configured during
 * ours), or -1.
 */
export function findMatchingSecret(
  format: SignatureFormat,
  secrets: readonly string[],
  body: Uint8Array,
  received: readonly string[],
): number {
  for (let index = 0; index < secrets.length; index++) {
    const expected = signatureFor(format, secrets[index], body);
    if (expected === undefined) {
      continue;
    }
    if (received.some((candidate) => signaturesEqual(expected, candidate, format.encoding))) {
      return index;
    }
  }
  return -1;
}

export const EXPECTED_PREFIX_LENGTH = 8;

/**
 * The first characters of the signature each secret expects: enough to compare
 * by eye with what arrived, far too little to forge anything.
 */
export function expectedPrefixes(
  format: SignatureFormat,
  secrets: readonly string[],
  body: Uint8Array,
  unusableSecret = '(unusable secret)',
): string[] {
  return secrets.map(
    (secret) =>
      signatureFor(format, secret, body)?.slice(0, EXPECTED_PREFIX_LENGTH) ?? unusableSecret,
  );
}
