import { Buffer } from 'node:buffer';
import { likelyMismatchCause } from '../diagnose';
import { headerValue } from '../headers';
import {
  malformedHeader,
  missingHeader,
  noSecretsConfigured,
  signatureMismatch,
  timestampOutOfTolerance,
} from '../rejections';
import {
  decodeBase64Strict,
  expectedPrefixes,
  findMatchingSecret,
  hmacDigest,
  prefixedBody,
  utf8Key,
  type SignatureFormat,
} from '../signing';
import { parseUnixSeconds, resolveTolerance, skewSeconds, withinTolerance } from '../timestamps';
import type { IncomingHeaders, SignedRequest, VerificationResult } from '../types';

export const WHSEC_PREFIX = 'whsec_';

/** The three headers, under the Standard Webhooks names or Svix's (identical scheme). */
export interface StandardWebhooksHeaderNames {
  id: string;
  timestamp: string;
  signature: string;
}

export const STANDARD_WEBHOOKS_HEADERS: StandardWebhooksHeaderNames = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
};

export const SVIX_HEADERS: StandardWebhooksHeaderNames = {
  id: 'svix-id',
  timestamp: 'svix-timestamp',
  signature: 'svix-signature',
};

function present(headers: IncomingHeaders, name: string): boolean {
  return headerValue(headers, name) !== undefined;
}

/** `webhook-*` unless none of them arrived and some `svix-*` header did. */
export function standardWebhooksHeaderNames(headers: IncomingHeaders): StandardWebhooksHeaderNames {
  const names = Object.values(STANDARD_WEBHOOKS_HEADERS);
  const svix = Object.values(SVIX_HEADERS);
  return !names.some((name) => present(headers, name)) &&
    svix.some((name) => present(headers, name))
    ? SVIX_HEADERS
    : STANDARD_WEBHOOKS_HEADERS;
}

/**
 * The HMAC key of a Standard Webhooks secret: base64-decode what follows
 * `whsec_` (a secret without the prefix is taken as the base64 itself, as the
 * reference library does). `undefined` when it is not standard base64.
 */
export function standardWebhooksKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith(WHSEC_PREFIX) ? secret.slice(WHSEC_PREFIX.length) : secret;
  return decodeBase64Strict(encoded);
}

/** Signed content `${id}.${timestamp}.${body}`, standard base64 HMAC-SHA256. */
export function standardWebhooksFormat(id: string, timestamp: string): SignatureFormat {
  return {
    algorithm: 'sha256',
    encoding: 'base64',
    content: (body) => prefixedBody(`${id}.${timestamp}.`, body),
    key: standardWebhooksKey,
  };
}

/**
 * The `webhook-signature` value for a message: `v1,<base64>`. For forwarding,
 * where Hookyard signs what it sends to a destination that has a secret.
 */
export function signStandardWebhook(params: {
  secret: string;
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: Uint8Array;
}): string {
  const key = standardWebhooksKey(params.secret);
  if (key === undefined) {
    throw new Error('The secret is not a Standard Webhooks secret (whsec_ followed by base64)');
  }
  const content = prefixedBody(`${params.id}.${params.timestamp}.`, params.body);
  return `v1,${hmacDigest('sha256', key, content).toString('base64')}`;
}

const STRIPE_STYLE_CAUSE =
  'The signature matches when the whole "whsec_…" string is used as the key (as Stripe does), but Standard Webhooks base64-decodes what follows "whsec_": the sender derives the key Stripe-style, not as the Standard Webhooks spec says.';

/** Space-separated `version,signature` entries: the v1 ones, and the versions seen. */
function parseSignatureList(value: string): { v1: string[]; versions: string[] } {
  const v1: string[] = [];
  const versions: string[] = [];
  for (const entry of value.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma <= 0) {
      continue;
    }
    const version = entry.slice(0, comma);
    versions.push(version);
    if (version === 'v1') {
      v1.push(entry.slice(comma + 1));
    }
  }
  return { v1, versions };
}

function malformedListCause(value: string, versions: string[]): string | undefined {
  if (versions.includes('v1a')) {
    return 'Only asymmetric v1a (ed25519) signatures arrived: Hookyard verifies the symmetric v1 scheme with a whsec_ secret. Ask the sender for a symmetric (whsec_) secret.';
  }
  if (/(^|,)\s*t=\d+/.test(value)) {
    return 'This looks like a Stripe-Signature value (t=…,v1=…), not a Standard Webhooks signature list: the source type is probably wrong.';
  }
  if (decodeBase64Strict(value.trim()) !== undefined) {
    return 'The value is a bare signature: the "v1," version tag is missing.';
  }
  return undefined;
}

export function verifyStandardWebhooks(
  rule: { secrets: string[]; toleranceSeconds?: number },
  request: SignedRequest,
): VerificationResult {
  const { secrets } = rule;
  const { headers, body } = request;
  if (secrets.length === 0) {
    return noSecretsConfigured('standard_webhooks');
  }
  const names = standardWebhooksHeaderNames(headers);
  const signature = headerValue(headers, names.signature)?.trim();
  if (!signature) {
    return missingHeader('standard_webhooks', names.signature, headers);
  }
  const id = headerValue(headers, names.id)?.trim();
  if (!id) {
    return missingHeader('standard_webhooks', names.id, headers);
  }
  const timestampValue = headerValue(headers, names.timestamp)?.trim();
  if (!timestampValue) {
    return missingHeader('standard_webhooks', names.timestamp, headers);
  }

  const { v1, versions } = parseSignatureList(signature);
  if (v1.length === 0) {
    return malformedHeader(
      'standard_webhooks',
      names.signature,
      signature,
      'space-separated "v1,<base64 signature>" entries',
      malformedListCause(signature, versions),
    );
  }
  const timestamp = parseUnixSeconds(timestampValue);
  if (timestamp === undefined) {
    return malformedHeader(
      'standard_webhooks',
      names.timestamp,
      timestampValue,
      'Unix seconds (digits only)',
    );
  }

  const format = standardWebhooksFormat(id, timestampValue);
  const tolerance = resolveTolerance(rule.toleranceSeconds);
  const skew = skewSeconds(timestamp, request.now);
  const index = findMatchingSecret(format, secrets, body, v1);
  if (index < 0) {
    const unusable = secrets.findIndex(
      (secret) => standardWebhooksKey(secret.trim()) === undefined,
    );
    return signatureMismatch(
      'standard_webhooks',
      names.signature,
      signature,
      expectedPrefixes(format, secrets, body, '(secret is not whsec_ + base64)'),
      likelyMismatchCause({
        type: 'standard_webhooks',
        format,
        secrets,
        body,
        received: v1,
        alternativeKeys: [
          {
            key: (secret) => (secret.startsWith(WHSEC_PREFIX) ? utf8Key(secret) : undefined),
            cause: STRIPE_STYLE_CAUSE,
          },
        ],
        hint:
          unusable < 0
            ? undefined
            : `Secret #${unusable + 1} is not a Standard Webhooks secret: expected "whsec_" followed by standard base64, as the sender shows it.`,
      }),
      { skewSeconds: skew, toleranceSeconds: tolerance },
    );
  }
  if (!withinTolerance(skew, tolerance)) {
    return timestampOutOfTolerance(
      'standard_webhooks',
      names.timestamp,
      timestampValue,
      timestamp,
      skew,
      tolerance,
    );
  }
  return { ok: true, scheme: 'standard_webhooks', secretIndex: index };
}
