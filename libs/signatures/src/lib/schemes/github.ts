import { likelyMismatchCause } from '../diagnose';
import { headerValue } from '../headers';
import {
  missingHeader,
  malformedHeader,
  noSecretsConfigured,
  signatureMismatch,
} from '../rejections';
import {
  bodyBytes,
  expectedPrefixes,
  findMatchingSecret,
  signWithUtf8Key,
  utf8Key,
  type SignatureFormat,
} from '../signing';
import type { SignedRequest, VerificationResult } from '../types';

export const GITHUB_SIGNATURE_HEADER = 'X-Hub-Signature-256';
export const GITHUB_LEGACY_SIGNATURE_HEADER = 'X-Hub-Signature';
export const GITHUB_DELIVERY_HEADER = 'X-GitHub-Delivery';

/** `sha256=` + lower-case hex HMAC-SHA256 of the raw body, keyed by the secret as UTF-8. */
export const GITHUB_FORMAT: SignatureFormat = {
  algorithm: 'sha256',
  encoding: 'hex',
  content: bodyBytes,
  key: utf8Key,
};

const PREFIX = 'sha256=';

/** The `X-Hub-Signature-256` value GitHub would send for a body: for re-signing a replay. */
export function signGithub(params: { secret: string; body: Uint8Array }): string {
  return `${PREFIX}${signWithUtf8Key(GITHUB_FORMAT, params.secret, params.body)}`;
}

const LEGACY_FORMAT: SignatureFormat = { ...GITHUB_FORMAT, algorithm: 'sha1' };

/** Only the SHA-1 header arrived: say so, and whether it would have matched. */
function legacyOnlyCause(legacy: string, secrets: readonly string[], body: Uint8Array): string {
  const signature = legacy.trim().replace(/^sha1=/i, '');
  const index = findMatchingSecret(LEGACY_FORMAT, secrets, body, [signature]);
  const verdict =
    index >= 0
      ? ` It is valid for secret #${index + 1}, so the secret is right.`
      : ' It does not match the configured secrets either.';
  return `Only the legacy ${GITHUB_LEGACY_SIGNATURE_HEADER} (HMAC-SHA1) header arrived: Hookyard requires ${GITHUB_SIGNATURE_HEADER}, which github.com and current GitHub Enterprise Server send.${verdict} If the sender only signs with SHA-1, use a generic HMAC rule (header ${GITHUB_LEGACY_SIGNATURE_HEADER}, sha1, hex, prefix sha1=).`;
}

export function verifyGithub(
  rule: { secrets: string[] },
  request: SignedRequest,
): VerificationResult {
  const { secrets } = rule;
  if (secrets.length === 0) {
    return noSecretsConfigured('github');
  }
  const value = headerValue(request.headers, GITHUB_SIGNATURE_HEADER);
  if (value === undefined || value.trim() === '') {
    const legacy = headerValue(request.headers, GITHUB_LEGACY_SIGNATURE_HEADER);
    const cause =
      legacy !== undefined && legacy.trim() !== ''
        ? legacyOnlyCause(legacy, secrets, request.body)
        : undefined;
    return missingHeader('github', GITHUB_SIGNATURE_HEADER, request.headers, cause);
  }

  const trimmed = value.trim();
  if (!trimmed.toLowerCase().startsWith(PREFIX)) {
    const cause = /^[0-9a-f]{64}$/i.test(trimmed)
      ? `The value is a bare hex digest: the "${PREFIX}" prefix is missing.`
      : undefined;
    return malformedHeader(
      'github',
      GITHUB_SIGNATURE_HEADER,
      value,
      `${PREFIX}<64 hex characters>`,
      cause,
    );
  }

  const received = [trimmed.slice(PREFIX.length)];
  const index = findMatchingSecret(GITHUB_FORMAT, secrets, request.body, received);
  if (index >= 0) {
    return { ok: true, scheme: 'github', secretIndex: index };
  }
  return signatureMismatch(
    'github',
    GITHUB_SIGNATURE_HEADER,
    value,
    expectedPrefixes(GITHUB_FORMAT, secrets, request.body),
    likelyMismatchCause({
      type: 'github',
      format: GITHUB_FORMAT,
      secrets,
      body: request.body,
      received,
      flagWhsecSecrets: true,
    }),
  );
}
