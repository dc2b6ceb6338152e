import { expectNoLeak, hmac, rejectionOf, request } from '../../testing/fixtures';
import { verify } from '../verify';
import type { VerificationRule } from '../types';

const SECRET = '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';
const BODY = '{"id":820982911946154500,"email":"jon@example.com"}';
const rule = (...secrets: string[]): VerificationRule => ({ type: 'shopify', secrets });
const sign = (body: string, secret = SECRET): string => hmac('sha256', secret, body, 'base64');

describe('Shopify X-Shopify-Hmac-Sha256', () => {
  it('accepts a base64 HMAC-SHA256 of the raw body', () => {
    const result = verify(rule(SECRET), request({ 'x-shopify-hmac-sha256': sign(BODY) }, BODY));
    expect(result).toEqual({ ok: true, scheme: 'shopify', secretIndex: 0 });
  });

  it('reports which rotated secret matched', () => {
    const result = verify(
      rule('shpss_old', SECRET),
      request({ 'x-shopify-hmac-sha256': sign(BODY) }, BODY),
    );
    expect(result).toEqual({ ok: true, scheme: 'shopify', secretIndex: 1 });
  });

  it('rejects a tampered body without leaking the secret or a valid signature', () => {
    const tampered = BODY.replace('jon', 'eve');
    const result = verify(rule(SECRET), request({ 'x-shopify-hmac-sha256': sign(BODY) }, tampered));
    expect(rejectionOf(result)).toMatchObject({
      code: 'signature_mismatch',
      header: 'X-Shopify-Hmac-Sha256',
      received: sign(BODY),
      expectedPrefixes: [sign(tampered).slice(0, 8)],
    });
    expectNoLeak(result, [SECRET], [sign(tampered)]);
  });

  it('rejects a wrong secret', () => {
    const rejection = rejectionOf(
      verify(rule('shpss_wrong'), request({ 'x-shopify-hmac-sha256': sign(BODY) }, BODY)),
    );
    expect(rejection.likelyCause).toMatch(/secret most likely differs/);
  });

  it('detects a hex signature where base64 is expected', () => {
    const hex = hmac('sha256', SECRET, BODY, 'hex');
    const rejection = rejectionOf(
      verify(rule(SECRET), request({ 'x-shopify-hmac-sha256': hex }, BODY)),
    );
    expect(rejection.likelyCause).toMatch(/arrived hex-encoded but this source expects base64/);
  });

  it('reports a missing header and recognises a Standard Webhooks request', () => {
    const rejection = rejectionOf(
      verify(rule(SECRET), request({ 'webhook-signature': 'v1,abc=' }, BODY)),
    );
    expect(rejection).toMatchObject({ code: 'missing_header', header: 'X-Shopify-Hmac-Sha256' });
    expect(rejection.likelyCause).toContain('Standard Webhooks request');
  });

  it('describes a signature of the wrong shape', () => {
    const rejection = rejectionOf(
      verify(rule(SECRET), request({ 'x-shopify-hmac-sha256': 'not-a-signature' }, BODY)),
    );
    expect(rejection.likelyCause).toMatch(/expects HMAC-SHA256 in base64 \(44 characters\)/);
  });
});
