import { Webhook } from 'standardwebhooks';
import { NOW, request } from '../testing/fixtures';
import { TEST_EVENT_TYPE, testRequest } from './test-request';
import type { IncomingHeaders, VerificationRule } from './types';
import { verify } from './verify';

/** As Node hands headers over: names in lower case. */
const lowerCased = (headers: Record<string, string>): IncomingHeaders =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

const RULES: [string, VerificationRule][] = [
  ['none', { type: 'none' }],
  ['shared_secret', { type: 'shared_secret', header: 'X-Api-Key', secrets: ['key-1', 'key-2'] }],
  [
    'hmac (sha512, base64, prefixed)',
    {
      type: 'hmac',
      header: 'X-Signature',
      algorithm: 'sha512',
      encoding: 'base64',
      prefix: 'sha512=',
      secrets: ['hmac-secret'],
    },
  ],
  [
    'hmac (sha1, hex)',
    { type: 'hmac', header: 'X-Sig', algorithm: 'sha1', encoding: 'hex', secrets: ['s'] },
  ],
  ['github', { type: 'github', secrets: ["It's a Secret to Everybody"] }],
  ['stripe', { type: 'stripe', secrets: ['whsec_test_5f3c1b2a9d8e7f6a5b4c3d2e1f0a9b8c'] }],
  ['shopify', { type: 'shopify', secrets: ['shpss_0123456789abcdef'] }],
  ['slack', { type: 'slack', secrets: ['8f742231b10e8888abcd99yyyzzz85a5'] }],
  [
    'standard_webhooks',
    { type: 'standard_webhooks', secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] },
  ],
];

describe('testRequest', () => {
  it.each(RULES)('makes a %s test event that the rule itself accepts', (_name, rule) => {
    const { headers, body } = testRequest(rule, { now: NOW });
    expect(verify(rule, request(lowerCased(headers), body, NOW))).toMatchObject({ ok: true });
    expect(JSON.parse(body.toString('utf8'))).toMatchObject({ type: TEST_EVENT_TYPE });
    expect(headers['Content-Type']).toBe('application/json');
  });

  it('signs a Standard Webhooks test as the reference library verifies it', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const { headers, body } = testRequest({ type: 'standard_webhooks', secrets: [secret] });
    expect(new Webhook(secret).verify(body.toString('utf8'), headers)).toMatchObject({
      type: TEST_EVENT_TYPE,
    });
  });

  it('gives each test event ids of its own, so that two tests are not deduplicated', () => {
    const github: VerificationRule = { type: 'github', secrets: ['s'] };
    const [a, b] = [testRequest(github), testRequest(github)];
    expect(a.headers['X-GitHub-Delivery']).not.toBe(b.headers['X-GitHub-Delivery']);
    const stripe: VerificationRule = { type: 'stripe', secrets: ['whsec_x'] };
    const ids = [testRequest(stripe), testRequest(stripe)].map(
      (r) => (JSON.parse(r.body.toString('utf8')) as { id: string }).id,
    );
    expect(ids[0]).toMatch(/^evt_test_[0-9a-f]{32}$/);
    expect(ids[0]).not.toBe(ids[1]);
    const standard = testRequest(
      { type: 'standard_webhooks', secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] },
      { id: 'fixed' },
    );
    expect(standard.headers['webhook-id']).toBe('msg_fixed');
  });

  it('goes unsigned when the rule has no secret or one its scheme cannot sign with, and is refused for it', () => {
    const noSecret: VerificationRule = { type: 'github', secrets: [] };
    const unsigned = testRequest(noSecret, { now: NOW });
    expect(Object.keys(unsigned.headers)).not.toContain('X-Hub-Signature-256');
    const result = verify(noSecret, request(lowerCased(unsigned.headers), unsigned.body, NOW));
    expect(result.ok).toBe(false);

    const badSecret: VerificationRule = { type: 'standard_webhooks', secrets: ['not-whsec'] };
    const bad = testRequest(badSecret, { now: NOW });
    expect(bad.headers['webhook-signature']).toBeUndefined();
    expect(verify(badSecret, request(lowerCased(bad.headers), bad.body, NOW)).ok).toBe(false);
  });
});
