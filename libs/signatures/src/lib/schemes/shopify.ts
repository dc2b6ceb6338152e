import { likelyMismatchCause } from '../diagnose';
import { headerValue } from '../headers';
import { missingHeader, noSecretsConfigured, signatureMismatch } from '../rejections';
import {
  bodyBytes,
  expectedPrefixes,
  findMatchingSecret,
  signWithUtf8Key,
  utf8Key,
  type SignatureFormat,
} from '../signing';
import type { SignedRequest, VerificationResult } from '../types';

export const SHOPIFY_SIGNATURE_HEADER = 'X-Shopify-Hmac-Sha256';
export const SHOPIFY_WEBHOOK_ID_HEADER = 'X-Shopify-Webhook-Id';

/** Standard base64 HMAC-SHA256 of the raw body, keyed by the app's client secret as UTF-8. */
export const SHOPIFY_FORMAT: SignatureFormat = {
  algorithm: 'sha256',
  encoding: 'base64',
  content: bodyBytes,
  key: utf8Key,
};

/** The `X-Shopify-Hmac-Sha256` value Shopify would send for a body. */
export function signShopify(params: { secret: string; body: Uint8Array }): string {
  return signWithUtf8Key(SHOPIFY_FORMAT, params.secret, params.body);
}

export function verifyShopify(
  rule: { secrets: string[] },
  request: SignedRequest,
): VerificationResult {
  const { secrets } = rule;
  if (secrets.length === 0) {
    return noSecretsConfigured('shopify');
  }
  const value = headerValue(request.headers, SHOPIFY_SIGNATURE_HEADER);
  if (value === undefined || value.trim() === '') {
    return missingHeader('shopify', SHOPIFY_SIGNATURE_HEADER, request.headers);
  }

  const received = [value.trim()];
  const index = findMatchingSecret(SHOPIFY_FORMAT, secrets, request.body, received);
  if (index >= 0) {
    return { ok: true, scheme: 'shopify', secretIndex: index };
  }
  return signatureMismatch(
    'shopify',
    SHOPIFY_SIGNATURE_HEADER,
    value,
    expectedPrefixes(SHOPIFY_FORMAT, secrets, request.body),
    likelyMismatchCause({
      type: 'shopify',
      format: SHOPIFY_FORMAT,
      secrets,
      body: request.body,
      received,
      flagWhsecSecrets: true,
    }),
  );
}
