import { Buffer } from 'node:buffer';
import { Webhook } from 'standardwebhooks';
import { NOW, NOW_SECONDS, request } from '../testing/fixtures';
import { resignHeaders, RESIGN_SCHEMES, type ResignScheme } from './resign';
import { signGithub } from './schemes/github';
import { signShopify } from './schemes/shopify';
import { signSlack } from './schemes/slack';
import { signStripe } from './schemes/stripe';
import type { IncomingHeaders, VerificationRule } from './types';
import { verify } from './verify';

const BODY = Buffer.from('{"id":"evt_1","amount":4200,"note":"café"}', 'utf8');
const SECRETS: Record<ResignScheme, string> = {
  github: "It's a Secret to Everybody",
  stripe: 'whsec_test_5f3c1b2a9d8e7f6a5b4c3d2e1f0a9b8c',
  shopify: 'shpss_0123456789abcdef',
  slack: '8f742231b10e8888abcd99yyyzzz85a5',
  standard_webhooks: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};
const rule = (scheme: ResignScheme, secret = SECRETS[scheme]): VerificationRule => ({
  type: scheme,
  secrets: [secret],
});

/** What the provider sent a day ago, signed with an old secret: nothing here verifies any more. */
const STORED: Record<ResignScheme, Record<string, string>> = {
  github: {
    'Content-Type': 'application/json',
    'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}`,
    'X-Hub-Signature': `sha1=${'0'.repeat(40)}`,
    'X-GitHub-Event': 'push',
  },
  stripe: { 'content-type': 'application/json', 'stripe-signature': `t=1,v1=${'0'.repeat(64)}` },
  shopify: { 'X-Shopify-Hmac-Sha256': 'AAAA', 'X-Shopify-Topic': 'orders/create' },
  slack: { 'X-Slack-Request-Timestamp': '1', 'X-Slack-Signature': `v0=${'0'.repeat(64)}` },
  standard_webhooks: {
    'webhook-id': 'msg_2b',
    'webhook-timestamp': String(NOW_SECONDS - 86_400),
    'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}`,
  },
};

/** Node hands verify() lower-case header names. */
const lowerCased = (headers: Record<string, string>): IncomingHeaders =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

describe('resignHeaders', () => {
  it.each(RESIGN_SCHEMES)(
    '%s: the stored request fails verification, the re-signed one passes',
    (scheme) => {
      expect(verify(rule(scheme), request(lowerCased(STORED[scheme]), BODY)).ok).toBe(false);
      const headers = resignHeaders(scheme, {
        headers: STORED[scheme],
        body: BODY,
        secret: SECRETS[scheme],
        now: NOW,
      });
      expect(verify(rule(scheme), request(lowerCased(headers), BODY)).ok).toBe(true);
      // A verifier with another secret still refuses it.
      expect(
        verify(rule(scheme, 'whsec_' + 'A'.repeat(32)), request(lowerCased(headers), BODY)).ok,
      ).toBe(false);
    },
  );

  it.each(RESIGN_SCHEMES)('%s: signs a request that carried no signature at all', (scheme) => {
    const headers = resignHeaders(scheme, {
      headers: { 'content-type': 'application/json' },
      body: BODY,
      secret: SECRETS[scheme],
      now: NOW,
    });
    expect(headers['content-type']).toBe('application/json');
    expect(verify(rule(scheme), request(lowerCased(headers), BODY)).ok).toBe(true);
  });

  it('keeps the other headers, their order and the provider’s casing, and adds no duplicate', () => {
    const headers = resignHeaders('github', {
      headers: STORED.github,
      body: BODY,
      secret: SECRETS.github,
      now: NOW,
    });
    expect(Object.keys(headers)).toEqual(['Content-Type', 'X-Hub-Signature-256', 'X-GitHub-Event']);
    expect(headers['X-Hub-Signature-256']).toBe(signGithub({ secret: SECRETS.github, body: BODY }));
  });

  it('replaces a header spelled twice with different casing, leaving no stale value', () => {
    const headers = resignHeaders('shopify', {
      headers: { 'X-Shopify-Hmac-Sha256': 'old', 'x-shopify-hmac-sha256': 'older' },
      body: BODY,
      secret: SECRETS.shopify,
      now: NOW,
    });
    expect(headers).toEqual({
      'X-Shopify-Hmac-Sha256': signShopify({ secret: SECRETS.shopify, body: BODY }),
    });
  });

  it('dates timestamped signatures at the given time', () => {
    const stripe = resignHeaders('stripe', {
      headers: STORED.stripe,
      body: BODY,
      secret: SECRETS.stripe,
      now: NOW,
    });
    expect(stripe['stripe-signature']).toBe(
      signStripe({ secret: SECRETS.stripe, timestamp: NOW_SECONDS, body: BODY }),
    );
    expect(stripe['stripe-signature']).toMatch(new RegExp(`^t=${NOW_SECONDS},v1=[0-9a-f]{64}$`));
    const slack = resignHeaders('slack', {
      headers: STORED.slack,
      body: BODY,
      secret: SECRETS.slack,
      now: NOW,
    });
    expect(slack['X-Slack-Request-Timestamp']).toBe(String(NOW_SECONDS));
    expect(slack['X-Slack-Signature']).toBe(
      signSlack({ secret: SECRETS.slack, timestamp: NOW_SECONDS, body: BODY }),
    );
  });

  it('keeps a Standard Webhooks message id, under the svix-* names when those were sent', () => {
    const headers = resignHeaders('standard_webhooks', {
      headers: { 'svix-id': 'msg_svix', 'svix-timestamp': '1', 'svix-signature': 'v1,AAAA' },
      body: BODY,
      secret: SECRETS.standard_webhooks,
      now: NOW,
    });
    expect(Object.keys(headers)).toEqual(['svix-id', 'svix-timestamp', 'svix-signature']);
    expect(headers['svix-id']).toBe('msg_svix');
    expect(headers['svix-timestamp']).toBe(String(NOW_SECONDS));
  });

  it('gives a Standard Webhooks message without an id a new one', () => {
    const headers = resignHeaders('standard_webhooks', {
      headers: {},
      body: BODY,
      secret: SECRETS.standard_webhooks,
    });
    expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
  });

  it('signs Standard Webhooks so that the reference library accepts it now', () => {
    const headers = resignHeaders('standard_webhooks', {
      headers: STORED.standard_webhooks,
      body: BODY,
      secret: SECRETS.standard_webhooks,
    });
    const payload = new Webhook(SECRETS.standard_webhooks).verify(BODY.toString('utf8'), headers);
    expect(payload).toEqual(JSON.parse(BODY.toString('utf8')));
  });

  it('refuses a secret Standard Webhooks cannot use', () => {
    expect(() =>
      resignHeaders('standard_webhooks', { headers: {}, body: BODY, secret: 'not base64!' }),
    ).toThrow(/not a Standard Webhooks secret/);
  });
});

describe('provider signing helpers', () => {
  it("signGithub matches GitHub's documented test vector", () => {
    expect(
      signGithub({ secret: "It's a Secret to Everybody", body: Buffer.from('Hello, World!') }),
    ).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
  });
});
