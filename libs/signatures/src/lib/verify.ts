import { verifyGithub } from './schemes/github';
import { verifyHmac } from './schemes/hmac';
import { verifySharedSecret } from './schemes/shared-secret';
import { verifyShopify } from './schemes/shopify';
import { verifySlack } from './schemes/slack';
import { verifyStandardWebhooks } from './schemes/standard-webhooks';
import { verifyStripe } from './schemes/stripe';
import type { SignedRequest, VerificationResult, VerificationRule } from './types';

/**
 * Verifies a request against a source's rule, on the raw body bytes. With
 * several secrets (rotation) any one may match; `secretIndex` says which.
 * A failure carries a `Rejection` precise enough to fix the setup.
 */
export function verify(rule: VerificationRule, request: SignedRequest): VerificationResult {
  switch (rule.type) {
    case 'none':
      return { ok: true, scheme: 'none', secretIndex: -1 };
    case 'shared_secret':
      return verifySharedSecret(rule, request);
    case 'hmac':
      return verifyHmac(rule, request);
    case 'github':
      return verifyGithub(rule, request);
    case 'stripe':
      return verifyStripe(rule, request);
    case 'shopify':
      return verifyShopify(rule, request);
    case 'slack':
      return verifySlack(rule, request);
    case 'standard_webhooks':
      return verifyStandardWebhooks(rule, request);
  }
}
