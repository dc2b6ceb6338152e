import { createHmac } from 'node:crypto';

/** Signs requests the way each provider does, with node:crypto only (independent of the code under test). */
const hmac = (algorithm: string, key: string | Buffer, data: string | Buffer) =>
  createHmac(algorithm, key).update(data);

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const sign = {
  github: (secret: string, body: string) => ({
    'x-hub-signature-256': `sha256=${hmac('sha256', secret, body).digest('hex')}`,
  }),
  stripe: (secret: string, body: string, t = nowSeconds()) => ({
    'stripe-signature': `t=${t},v1=${hmac('sha256', secret, `${t}.${body}`).digest('hex')}`,
  }),
  shopify: (secret: string, body: string) => ({
    'x-shopify-hmac-sha256': hmac('sha256', secret, body).digest('base64'),
  }),
  slack: (secret: string, body: string, t = nowSeconds()) => ({
    'x-slack-request-timestamp': String(t),
    'x-slack-signature': `v0=${hmac('sha256', secret, `v0:${t}:${body}`).digest('hex')}`,
  }),
  standardWebhooks: (secret: string, id: string, body: string, t = nowSeconds()) => ({
    'webhook-id': id,
    'webhook-timestamp': String(t),
    'webhook-signature': `v1,${hmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'), `${id}.${t}.${body}`).digest('base64')}`,
  }),
  hmac: (algorithm: string, encoding: 'hex' | 'base64', secret: string, body: string) =>
    hmac(algorithm, secret, body).digest(encoding),
};
