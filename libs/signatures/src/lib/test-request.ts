import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { resignHeaders } from './resign';
import { hmacFormat } from './schemes/hmac';
import { signatureFor } from './signing';
import type { VerificationRule, VerificationType } from './types';

/** A sample webhook as a source's provider would send it (`Send test event` on a source). */
export interface TestRequest {
  /** Header names as the provider spells them. */
  headers: Record<string, string>;
  body: Buffer;
}

/** The event type of every test: a receiver can tell a test from a real event. */
export const TEST_EVENT_TYPE = 'hookyard.test';

/** Headers that name the event and carry its id, as each provider sends them. */
const PROVIDER_HEADERS: Readonly<
  Partial<Record<VerificationType, (id: string) => Record<string, string>>>
> = {
  github: (id) => ({ 'X-GitHub-Event': 'ping', 'X-GitHub-Delivery': id }),
  shopify: (id) => ({ 'X-Shopify-Topic': 'hookyard/test', 'X-Shopify-Webhook-Id': id }),
  standard_webhooks: (id) => ({ 'webhook-id': `msg_${id}` }),
};

/** Stripe's events carry their id and creation time in the body (its dedupe key too). */
function sampleBody(type: VerificationType, id: string, now: Date): object {
  const message = 'A test event sent from Hookyard';
  if (type === 'stripe') {
    return {
      id: `evt_test_${id.replaceAll('-', '')}`,
      object: 'event',
      type: TEST_EVENT_TYPE,
      created: Math.floor(now.getTime() / 1000),
      livemode: false,
      data: { object: { message } },
    };
  }
  return { type: TEST_EVENT_TYPE, id, sentAt: now.toISOString(), message };
}

/**
 * A JSON test event for a source, signed as its rule expects with its first secret, so that it
 * passes the source's own verification: a test shows the whole path (verification, routing,
 * forwarding) working. With no secret, or one the scheme cannot sign with (a Standard Webhooks
 * secret that is not `whsec_` + base64), it goes unsigned, and the source's verification tells
 * why it is refused, as it would for the provider.
 */
export function testRequest(
  rule: VerificationRule,
  options: { id?: string; now?: Date } = {},
): TestRequest {
  const id = options.id ?? randomUUID();
  const now = options.now ?? new Date();
  const body = Buffer.from(JSON.stringify(sampleBody(rule.type, id, now)), 'utf8');
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': 'Hookyard-Test',
    ...PROVIDER_HEADERS[rule.type]?.(id),
  };
  if (rule.type === 'none') return { headers, body };
  const secret = rule.secrets.at(0);
  if (secret === undefined) return { headers, body };
  switch (rule.type) {
    case 'shared_secret':
      return { headers: { ...headers, [rule.header]: secret }, body };
    case 'hmac': {
      const signature = signatureFor(hmacFormat(rule.algorithm, rule.encoding), secret, body);
      return { headers: { ...headers, [rule.header]: `${rule.prefix ?? ''}${signature}` }, body };
    }
    case 'github':
    case 'stripe':
    case 'shopify':
    case 'slack':
    case 'standard_webhooks':
      try {
        return { headers: resignHeaders(rule.type, { headers, body, secret, now }), body };
      } catch {
        return { headers, body };
      }
  }
}
