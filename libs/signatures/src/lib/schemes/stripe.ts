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
  expectedPrefixes,
  findMatchingSecret,
  prefixedBody,
  signWithUtf8Key,
  utf8Key,
  type SignatureFormat,
} from '../signing';
import { parseUnixSeconds, resolveTolerance, skewSeconds, withinTolerance } from '../timestamps';
import type { SignedRequest, VerificationResult } from '../types';
import { standardWebhooksKey, WHSEC_PREFIX } from './standard-webhooks';

export const STRIPE_SIGNATURE_HEADER = 'Stripe-Signature';

/**
 * Signed content `${t}.${body}`, hex HMAC-SHA256 keyed by the WHOLE secret
 * string (`whsec_…` included) as UTF-8 — not base64-decoded as in Standard Webhooks.
 */
export function stripeFormat(timestamp: string): SignatureFormat {
  return {
    algorithm: 'sha256',
    encoding: 'hex',
    content: (body) => prefixedBody(`${timestamp}.`, body),
    key: utf8Key,
  };
}

/** The `Stripe-Signature` value Stripe would send for a body at a time: `t=<unix s>,v1=<hex>`. */
export function signStripe(params: {
  secret: string;
  timestamp: number;
  body: Uint8Array;
}): string {
  const t = String(params.timestamp);
  return `t=${t},v1=${signWithUtf8Key(stripeFormat(t), params.secret, params.body)}`;
}

export interface StripeSignatureHeader {
  timestamp?: string;
  v1: string[];
  v0: string[];
}

/** `t=…,v1=…[,v1=…][,v0=…]`: split on `,` then on the first `=`; other schemes are ignored. */
export function parseStripeSignature(value: string): StripeSignatureHeader {
  const parsed: StripeSignatureHeader = { v1: [], v0: [] };
  for (const part of value.split(',')) {
    const equals = part.indexOf('=');
    if (equals <= 0) {
      continue;
    }
    const key = part.slice(0, equals).trim();
    const item = part.slice(equals + 1).trim();
    if (key === 't') {
      parsed.timestamp ??= item;
    } else if (key === 'v1' || key === 'v0') {
      parsed[key].push(item);
    }
  }
  return parsed;
}

const EXPECTED_FORM = 't=<unix seconds>,v1=<hex signature>';

const STANDARD_WEBHOOKS_STYLE_CAUSE =
  'The signature matches when what follows "whsec_" is base64-decoded into the key (as Standard Webhooks does), but Stripe keys HMAC with the whole "whsec_…" string: the sender is not signing like Stripe; if it follows Standard Webhooks, set the source type to Standard Webhooks.';

function malformedCause(value: string, parsed: StripeSignatureHeader): string | undefined {
  if (parsed.timestamp !== undefined && parsed.v1.length === 0 && parsed.v0.length > 0) {
    return 'Only v0 signatures arrived (a legacy scheme Stripe uses for test webhooks): Hookyard verifies v1 with the endpoint signing secret.';
  }
  if (/^v1,/.test(value.trim())) {
    return 'This looks like a Standard Webhooks signature list (v1,<base64>), not a Stripe-Signature value: the source type is probably wrong.';
  }
  if (/^[0-9a-f]{64}$/i.test(value.trim())) {
    return 'The value is a bare hex signature: the t= timestamp and v1= tag are missing.';
  }
  return undefined;
}

export function verifyStripe(
  rule: { secrets: string[]; toleranceSeconds?: number },
  request: SignedRequest,
): VerificationResult {
  const { secrets } = rule;
  const { headers, body } = request;
  if (secrets.length === 0) {
    return noSecretsConfigured('stripe');
  }
  const value = headerValue(headers, STRIPE_SIGNATURE_HEADER)?.trim();
  if (!value) {
    return missingHeader('stripe', STRIPE_SIGNATURE_HEADER, headers);
  }

  const parsed = parseStripeSignature(value);
  if (parsed.timestamp === undefined || parsed.v1.length === 0) {
    return malformedHeader(
      'stripe',
      STRIPE_SIGNATURE_HEADER,
      value,
      EXPECTED_FORM,
      malformedCause(value, parsed),
    );
  }
  const timestamp = parseUnixSeconds(parsed.timestamp);
  if (timestamp === undefined) {
    return malformedHeader(
      'stripe',
      STRIPE_SIGNATURE_HEADER,
      value,
      EXPECTED_FORM,
      `t=${parsed.timestamp.slice(0, 32)} is not a Unix time in seconds.`,
    );
  }

  const format = stripeFormat(parsed.timestamp);
  const tolerance = resolveTolerance(rule.toleranceSeconds);
  const skew = skewSeconds(timestamp, request.now);
  const index = findMatchingSecret(format, secrets, body, parsed.v1);
  if (index < 0) {
    return signatureMismatch(
      'stripe',
      STRIPE_SIGNATURE_HEADER,
      value,
      expectedPrefixes(format, secrets, body),
      likelyMismatchCause({
        type: 'stripe',
        format,
        secrets,
        body,
        received: parsed.v1,
        alternativeKeys: [
          {
            key: (secret) =>
              secret.startsWith(WHSEC_PREFIX) ? standardWebhooksKey(secret) : undefined,
            cause: STANDARD_WEBHOOKS_STYLE_CAUSE,
          },
        ],
      }),
      { skewSeconds: skew, toleranceSeconds: tolerance },
    );
  }
  // stripe-node refuses only old events; Hookyard also refuses future ones (|skew| > tolerance).
  if (!withinTolerance(skew, tolerance)) {
    return timestampOutOfTolerance(
      'stripe',
      STRIPE_SIGNATURE_HEADER,
      value,
      timestamp,
      skew,
      tolerance,
    );
  }
  return { ok: true, scheme: 'stripe', secretIndex: index };
}
