import { likelyMismatchCause } from '../diagnose';
import { headerValue } from '../headers';
import {
  malformedHeader,
  missingHeader,
  noSecretsConfigured,
  signatureMismatch,
} from '../rejections';
import {
  bodyBytes,
  expectedPrefixes,
  findMatchingSecret,
  utf8Key,
  type SignatureFormat,
} from '../signing';
import type { HmacAlgorithm, SignatureEncoding, SignedRequest, VerificationResult } from '../types';

export interface HmacRule {
  header: string;
  algorithm: HmacAlgorithm;
  encoding: SignatureEncoding;
  prefix?: string;
  secrets: string[];
}

/** The generic scheme: HMAC of the raw body, keyed by the secret as UTF-8. */
export function hmacFormat(algorithm: HmacAlgorithm, encoding: SignatureEncoding): SignatureFormat {
  return { algorithm, encoding, content: bodyBytes, key: utf8Key };
}

/** A short scheme tag before the signature, such as `sha256=` or `v1,`. */
const TAG = /^([A-Za-z0-9_.-]{1,20}[=,:])(.+)$/;

/** With no prefix configured: does the signature match once a tag like `sha256=` is removed? */
function unexpectedTagCause(
  format: SignatureFormat,
  rule: HmacRule,
  body: Uint8Array,
  value: string,
): string | undefined {
  const tagged = TAG.exec(value);
  if (tagged === null) {
    return undefined;
  }
  return findMatchingSecret(format, rule.secrets, body, [tagged[2]]) >= 0
    ? `The signature matches once "${tagged[1]}" is removed from the header value: set the rule's prefix to "${tagged[1]}".`
    : undefined;
}

export function verifyHmac(rule: HmacRule, request: SignedRequest): VerificationResult {
  const { secrets, header } = rule;
  if (secrets.length === 0) {
    return noSecretsConfigured('hmac');
  }
  const value = headerValue(request.headers, header);
  if (value === undefined || value.trim() === '') {
    return missingHeader('hmac', header, request.headers);
  }

  const trimmed = value.trim();
  const prefix = rule.prefix ?? '';
  // The prefix is compared case-insensitively, as hex digests are.
  if (!trimmed.toLowerCase().startsWith(prefix.toLowerCase())) {
    return malformedHeader(
      'hmac',
      header,
      value,
      `"${prefix}" followed by the ${rule.encoding} signature`,
      `The value does not start with the configured prefix "${prefix}": remove or correct the prefix in the rule if the sender writes the signature differently.`,
    );
  }

  const format = hmacFormat(rule.algorithm, rule.encoding);
  const received = [trimmed.slice(prefix.length)];
  const index = findMatchingSecret(format, secrets, request.body, received);
  if (index >= 0) {
    return { ok: true, scheme: 'hmac', secretIndex: index };
  }
  const tagCause =
    prefix === '' ? unexpectedTagCause(format, rule, request.body, trimmed) : undefined;
  return signatureMismatch(
    'hmac',
    header,
    value,
    expectedPrefixes(format, secrets, request.body),
    tagCause ??
      likelyMismatchCause({
        type: 'hmac',
        format,
        secrets,
        body: request.body,
        received,
        tryOtherAlgorithms: true,
        flagWhsecSecrets: true,
      }),
  );
}
