export * from './lib/types';
export { verify } from './lib/verify';
export {
  detectHandshake,
  MAX_HANDSHAKE_BODY_BYTES,
  type HandshakeKind,
  type HandshakeRequest,
  type HandshakeResponse,
  type HandshakeSettings,
} from './lib/handshakes';
export { signStandardWebhook } from './lib/schemes/standard-webhooks';
export { GITHUB_DELIVERY_HEADER, GITHUB_SIGNATURE_HEADER, signGithub } from './lib/schemes/github';
export { signStripe, STRIPE_SIGNATURE_HEADER } from './lib/schemes/stripe';
export {
  SHOPIFY_SIGNATURE_HEADER,
  SHOPIFY_WEBHOOK_ID_HEADER,
  signShopify,
} from './lib/schemes/shopify';
export { signSlack, SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER } from './lib/schemes/slack';
export { resignHeaders, RESIGN_SCHEMES, type ResignInput, type ResignScheme } from './lib/resign';
export { testRequest, TEST_EVENT_TYPE, type TestRequest } from './lib/test-request';
