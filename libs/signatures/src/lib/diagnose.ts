import type { Buffer } from 'node:buffer';
import { bodyVariants } from './body-variants';
import { SCHEME_NAMES } from './senders';
import {
  decodeBase64Strict,
  decodeHexStrict,
  decodeSignature,
  DIGEST_BYTES,
  digestFor,
  findMatchingSecret,
  type SignatureFormat,
} from './signing';
import {
  HMAC_ALGORITHMS,
  type HmacAlgorithm,
  type SignatureEncoding,
  type VerificationType,
} from './types';

/** Another way a sender may turn the same secret into a key (a `whsec_` secret across schemes). */
export interface AlternativeKey {
  key(secret: string): Buffer | undefined;
  cause: string;
}

export interface MismatchInput {
  type: VerificationType;
  format: SignatureFormat;
  secrets: readonly string[];
  body: Uint8Array;
  /** The signatures that arrived, without their scheme prefix. */
  received: readonly string[];
  alternativeKeys?: readonly AlternativeKey[];
  /** Try the other HMAC algorithms (generic HMAC: presets have a fixed one). */
  tryOtherAlgorithms?: boolean;
  /** Flag `whsec_` secrets: they belong to Stripe or Standard Webhooks, not to this scheme. */
  flagWhsecSecrets?: boolean;
  /** A scheme-specific heuristic (e.g. a secret that cannot be a key), used when nothing is confirmed. */
  hint?: string;
}

/** Above this body size only the heuristics run (no re-signing of variants). */
export const MAX_RESIGN_DIAGNOSIS_BYTES = 256 * 1024;

const ALGORITHM_LABELS: Readonly<Record<HmacAlgorithm, string>> = {
  sha1: 'HMAC-SHA1',
  sha256: 'HMAC-SHA256',
  sha512: 'HMAC-SHA512',
};

function defaultCause(count: number): string {
  const subject =
    count === 1
      ? 'The configured secret did not produce this signature'
      : `None of the ${count} configured secrets produced this signature`;
  return `${subject}: the secret most likely differs from the provider's (check you copied the signing secret of this endpoint).`;
}

function matches(input: MismatchInput, format: SignatureFormat, body = input.body): boolean {
  return findMatchingSecret(format, input.secrets, body, input.received) >= 0;
}

function trimmedSecretCause(input: MismatchInput): string | undefined {
  const index = input.secrets.findIndex(
    (secret) =>
      secret.trim() !== secret &&
      findMatchingSecret(input.format, [secret.trim()], input.body, input.received) >= 0,
  );
  return index < 0
    ? undefined
    : `Secret #${index + 1} has leading or trailing whitespace: the signature matches once it is trimmed. Remove the whitespace from the configured secret.`;
}

function alternativeKeyCause(input: MismatchInput): string | undefined {
  return input.alternativeKeys?.find((alternative) =>
    matches(input, { ...input.format, key: alternative.key }),
  )?.cause;
}

function otherEncoding(encoding: SignatureEncoding): SignatureEncoding {
  return encoding === 'hex' ? 'base64' : 'hex';
}

function encodingCause(input: MismatchInput): string | undefined {
  const { format } = input;
  const arrived = otherEncoding(format.encoding);
  const decoded = input.received
    .map((candidate) => decodeSignature(candidate.trim(), arrived))
    .filter((bytes): bytes is Buffer => bytes !== undefined);
  const found = input.secrets.some((secret) => {
    const digest = digestFor(format, secret, input.body);
    return digest !== undefined && decoded.some((bytes) => bytes.equals(digest));
  });
  if (!found) {
    return undefined;
  }
  const fix =
    input.type === 'hmac'
      ? `set the rule's encoding to ${arrived}`
      : `the sender does not follow the ${SCHEME_NAMES[input.type]} format; if it is another provider, use a generic HMAC rule with encoding ${arrived}`;
  return `The signature arrived ${arrived}-encoded but this source expects ${format.encoding}: the digest is right (the secret and body are fine), only its encoding differs. Fix: ${fix}.`;
}

function algorithmCause(input: MismatchInput): string | undefined {
  if (input.tryOtherAlgorithms !== true) {
    return undefined;
  }
  const other = HMAC_ALGORITHMS.find(
    (algorithm) =>
      algorithm !== input.format.algorithm && matches(input, { ...input.format, algorithm }),
  );
  return other === undefined
    ? undefined
    : `The signature matches ${ALGORITHM_LABELS[other]}, but the rule is set to ${ALGORITHM_LABELS[input.format.algorithm]}: set the rule's algorithm to ${other}.`;
}

function bodyCause(input: MismatchInput): string | undefined {
  return bodyVariants(input.body).find((variant) => matches(input, input.format, variant.body))
    ?.cause;
}

function whsecCause(input: MismatchInput): string | undefined {
  if (input.flagWhsecSecrets !== true) {
    return undefined;
  }
  const index = input.secrets.findIndex((secret) => secret.trim().startsWith('whsec_'));
  return index < 0
    ? undefined
    : `Secret #${index + 1} starts with "whsec_", the format of Stripe and Standard Webhooks signing secrets, but this source is set to ${SCHEME_NAMES[input.type]}: check that the source type and the secret belong to the same provider.`;
}

function algorithmOfSize(bytes: number): string {
  const algorithm = HMAC_ALGORITHMS.find((candidate) => DIGEST_BYTES[candidate] === bytes);
  return algorithm === undefined ? '' : `, the size of an ${ALGORITHM_LABELS[algorithm]}`;
}

function describeSignature(value: string): string {
  const hex = decodeHexStrict(value);
  if (hex !== undefined) {
    return `${value.length} hex characters (${hex.length} bytes${algorithmOfSize(hex.length)})`;
  }
  const base64 = decodeBase64Strict(value);
  if (base64 !== undefined) {
    return `base64 of ${base64.length} bytes${algorithmOfSize(base64.length)}`;
  }
  if (/^[A-Za-z0-9_-]+$/.test(value)) {
    return `${value.length} characters of URL-safe or unpadded base64`;
  }
  return `${value.length} characters that are neither hex nor standard base64`;
}

function shapeCause(input: MismatchInput): string | undefined {
  const { algorithm, encoding } = input.format;
  const size = DIGEST_BYTES[algorithm];
  const candidates = input.received.map((candidate) => candidate.trim());
  if (
    candidates.length === 0 ||
    candidates.some((candidate) => decodeSignature(candidate, encoding)?.length === size)
  ) {
    return undefined;
  }
  const length = encoding === 'hex' ? size * 2 : Math.ceil(size / 3) * 4;
  const fix =
    input.type === 'hmac'
      ? ": adjust the rule's algorithm, encoding or prefix to what the sender uses"
      : '';
  return `The signature is ${describeSignature(candidates[0])}, but ${SCHEME_NAMES[input.type]} expects ${ALGORITHM_LABELS[algorithm]} in ${encoding} (${length} characters)${fix}.`;
}

/**
 * The most likely reason no configured secret produced the received signature.
 * Runs only on the failure path: confirmed causes first (each re-signs a
 * variant and finds a match), then heuristics, then "the secret differs".
 */
export function likelyMismatchCause(input: MismatchInput): string {
  // Confirmed causes re-sign the body a few times per secret: bounded so that a
  // stream of large forged requests cannot make rejections expensive.
  const confirmed =
    input.body.byteLength <= MAX_RESIGN_DIAGNOSIS_BYTES
      ? [trimmedSecretCause, alternativeKeyCause, encodingCause, algorithmCause, bodyCause]
      : [];
  const heuristics = [(candidate: MismatchInput) => candidate.hint, whsecCause, shapeCause];
  for (const detect of [...confirmed, ...heuristics]) {
    try {
      const cause = detect(input);
      if (cause !== undefined) {
        return cause;
      }
    } catch {
      // A diagnosis must never turn a rejection into a crash.
    }
  }
  return defaultCause(input.secrets.length);
}
