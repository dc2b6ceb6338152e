import { request } from '../testing/fixtures';
import { VERIFICATION_TYPES, type VerificationRule } from './types';
import { verify } from './verify';

const everyRule = (secrets: string[]): VerificationRule[] => [
  { type: 'shared_secret', header: 'x-token', secrets },
  { type: 'hmac', header: 'x-signature', algorithm: 'sha256', encoding: 'hex', secrets },
  { type: 'github', secrets },
  { type: 'stripe', secrets },
  { type: 'shopify', secrets },
  { type: 'slack', secrets },
  { type: 'standard_webhooks', secrets },
];

describe('verify', () => {
  it('accepts anything under `none`, with secretIndex -1', () => {
    expect(verify({ type: 'none' }, request({}, 'anything'))).toEqual({
      ok: true,
      scheme: 'none',
      secretIndex: -1,
    });
  });

  it('covers every verification type', () => {
    const covered = ['none', ...everyRule(['s']).map((rule) => rule.type)];
    expect(covered.sort()).toEqual([...VERIFICATION_TYPES].sort());
  });

  it.each(everyRule([]))('refuses $type without secrets', (rule) => {
    const result = verify(rule, request({}, '{}'));
    expect(result).toEqual({
      ok: false,
      rejection: expect.objectContaining({ code: 'no_secrets_configured', scheme: rule.type }),
    });
  });

  it.each(everyRule(['secret']))(
    'reports a missing header for $type with a message naming it',
    (rule) => {
      const result = verify(rule, request({}, '{}'));
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.rejection.code).toBe('missing_header');
        expect(result.rejection.scheme).toBe(rule.type);
        expect(result.rejection.header).toBeDefined();
        expect(result.rejection.message).toContain(result.rejection.header);
      }
    },
  );

  it('never throws on hostile input', () => {
    const hostile = request(
      {
        'x-token': ['a', 'b'],
        'x-signature': '\u0000'.repeat(10),
        'x-hub-signature-256': 'sha256=' + 'z'.repeat(10_000),
        'stripe-signature': ',,,=,t=,v1=',
        'x-shopify-hmac-sha256': '====',
        'x-slack-signature': 'v0=',
        'x-slack-request-timestamp': '99999999999999999999',
        'webhook-id': 'a',
        'webhook-timestamp': '-1',
        'webhook-signature': 'v1, v1,,',
      },
      `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
    );
    for (const rule of everyRule(['secret', 'whsec_x'])) {
      expect(() => verify(rule, hostile)).not.toThrow();
      expect(verify(rule, hostile).ok).toBe(false);
    }
  });
});
