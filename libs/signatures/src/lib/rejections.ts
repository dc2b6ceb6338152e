import { foreignSenderCause, SCHEME_NAMES } from './senders';
import { truncate } from './headers';
import { MILLISECONDS_THRESHOLD } from './timestamps';
import type { IncomingHeaders, Rejection, VerificationResult, VerificationType } from './types';

/** Builders for the rejections every scheme shares, so their wording stays uniform. */

export function rejected(rejection: Rejection): VerificationResult {
  return { ok: false, rejection };
}

export function noSecretsConfigured(scheme: VerificationType): VerificationResult {
  return rejected({
    code: 'no_secrets_configured',
    message: `No secret is configured for this ${SCHEME_NAMES[scheme]} source, so no request can be verified`,
    scheme,
    secretsTried: 0,
    likelyCause: `Add the signing secret from the sender's settings to this source.`,
  });
}

/**
 * A required header is absent or blank. `likelyCause` defaults to another
 * sender's signature when one is present ("this looks like a Stripe request").
 */
export function missingHeader(
  scheme: VerificationType,
  header: string,
  headers: IncomingHeaders,
  likelyCause?: string,
): VerificationResult {
  const cause = likelyCause ?? foreignSenderCause(headers, scheme, header);
  return rejected({
    code: 'missing_header',
    message: `Header ${header} is missing`,
    scheme,
    header,
    ...(cause === undefined ? {} : { likelyCause: cause }),
  });
}

export function malformedHeader(
  scheme: VerificationType,
  header: string,
  received: string,
  expectedForm: string,
  likelyCause?: string,
): VerificationResult {
  return rejected({
    code: 'malformed_header',
    message: `Header ${header} is malformed: expected ${expectedForm}`,
    scheme,
    header,
    received: truncate(received),
    ...(likelyCause === undefined ? {} : { likelyCause }),
  });
}

export function signatureMismatch(
  scheme: VerificationType,
  header: string,
  received: string,
  expectedPrefixes: string[],
  likelyCause: string,
  extra: Partial<Rejection> = {},
): VerificationResult {
  const count = expectedPrefixes.length;
  const against = count === 1 ? 'the configured secret' : `any of the ${count} configured secrets`;
  return rejected({
    code: 'signature_mismatch',
    message: `Header ${header} does not match the signature computed with ${against}`,
    scheme,
    header,
    received: truncate(received),
    expectedPrefixes,
    secretsTried: count,
    likelyCause,
    ...extra,
  });
}

function timestampCause(timestamp: number, skew: number): string {
  if (timestamp > MILLISECONDS_THRESHOLD) {
    return 'The timestamp looks like milliseconds instead of Unix seconds (it is above 10^12): the sender writes it in the wrong unit.';
  }
  if (skew > 0) {
    return `The request was signed ${skew} s ago: it is a replay of an old request (for example a captured request sent again), it was held up on the way, or this server's clock is ahead (check NTP).`;
  }
  return `The request is signed ${-skew} s in the future: this server's clock is most likely behind the sender's (check NTP).`;
}

/** The signature is valid but the timestamp is outside the window. */
export function timestampOutOfTolerance(
  scheme: VerificationType,
  header: string,
  received: string,
  timestamp: number,
  skew: number,
  toleranceSeconds: number,
): VerificationResult {
  const where = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
  return rejected({
    code: 'timestamp_out_of_tolerance',
    message: `Header ${header} is ${where}, outside the tolerance of ${toleranceSeconds} s`,
    scheme,
    header,
    received: truncate(received),
    skewSeconds: skew,
    toleranceSeconds,
    likelyCause: timestampCause(timestamp, skew),
  });
}
