import { expectNoLeak, hmac, rejectionOf, request } from '../../testing/fixtures';
import { verify } from '../verify';
import type { HmacAlgorithm, SignatureEncoding, VerificationRule } from '../types';

const SECRET = 'generic-secret-0123456789';
const BODY = '{"event":"order.created","id":42}';

function rule(
  options: { algorithm?: HmacAlgorithm; encoding?: SignatureEncoding; prefix?: string } = {},
  secrets: string[] = [SECRET],
): VerificationRule {
  return {
    type: 'hmac',
    header: 'x-signature',
    algorithm: options.algorithm ?? 'sha256',
    encoding: options.encoding ?? 'hex',
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    secrets,
  };
}

describe('generic HMAC', () => {
  it.each([
    ['sha1', 'hex'],
    ['sha256', 'hex'],
    ['sha512', 'hex'],
    ['sha1', 'base64'],
    ['sha256', 'base64'],
    ['sha512', 'base64'],
  ] as const)('accepts %s in %s', (algorithm, encoding) => {
    const signature = hmac(algorithm, SECRET, BODY, encoding);
    const result = verify(
      rule({ algorithm, encoding }),
      request({ 'x-signature': signature }, BODY),
    );
    expect(result).toEqual({ ok: true, scheme: 'hmac', secretIndex: 0 });
  });

  it('strips the configured prefix and compares hex case-insensitively', () => {
    const signature = `sha256=${hmac('sha256', SECRET, BODY, 'hex').toUpperCase()}`;
    const result = verify(rule({ prefix: 'sha256=' }), request({ 'x-signature': signature }, BODY));
    expect(result.ok).toBe(true);
  });

  it('does not accept base64 that differs only in case', () => {
    const signature = hmac('sha256', SECRET, BODY, 'base64');
    const flipped = signature.replace(/[a-z]/, (c) => c.toUpperCase());
    const result = verify(rule({ encoding: 'base64' }), request({ 'x-signature': flipped }, BODY));
    expect(result.ok).toBe(false);
  });

  it('reports which rotated secret matched', () => {
    const signature = hmac('sha256', SECRET, BODY, 'hex');
    const result = verify(rule({}, ['old', SECRET]), request({ 'x-signature': signature }, BODY));
    expect(result).toEqual({ ok: true, scheme: 'hmac', secretIndex: 1 });
  });

  it('rejects a tampered body without leaking the secret or a valid signature', () => {
    const tampered = BODY.replace('42', '43');
    const result = verify(
      rule(),
      request({ 'x-signature': hmac('sha256', SECRET, BODY, 'hex') }, tampered),
    );
    expect(rejectionOf(result)).toMatchObject({
      code: 'signature_mismatch',
      header: 'x-signature',
      expectedPrefixes: [hmac('sha256', SECRET, tampered, 'hex').slice(0, 8)],
    });
    expectNoLeak(result, [SECRET], [hmac('sha256', SECRET, tampered, 'hex')]);
  });

  it('detects another algorithm', () => {
    const signature = hmac('sha512', SECRET, BODY, 'hex');
    const rejection = rejectionOf(verify(rule(), request({ 'x-signature': signature }, BODY)));
    expect(rejection.likelyCause).toBe(
      "The signature matches HMAC-SHA512, but the rule is set to HMAC-SHA256: set the rule's algorithm to sha512.",
    );
  });

  it('detects base64 arriving where hex is configured, and the reverse', () => {
    const base64 = hmac('sha256', SECRET, BODY, 'base64');
    const asHex = rejectionOf(verify(rule(), request({ 'x-signature': base64 }, BODY)));
    expect(asHex.likelyCause).toMatch(
      /arrived base64-encoded but this source expects hex.*set the rule's encoding to base64/,
    );
    const hex = hmac('sha256', SECRET, BODY, 'hex');
    const asBase64 = rejectionOf(
      verify(rule({ encoding: 'base64' }), request({ 'x-signature': hex }, BODY)),
    );
    expect(asBase64.likelyCause).toMatch(/arrived hex-encoded but this source expects base64/);
  });

  it('suggests the prefix when the value carries one the rule lacks', () => {
    const signature = `sha256=${hmac('sha256', SECRET, BODY, 'hex')}`;
    const rejection = rejectionOf(verify(rule(), request({ 'x-signature': signature }, BODY)));
    expect(rejection.likelyCause).toContain(`set the rule's prefix to "sha256="`);
  });

  it('calls a value without the configured prefix malformed', () => {
    const signature = hmac('sha256', SECRET, BODY, 'hex');
    const rejection = rejectionOf(
      verify(rule({ prefix: 'sha256=' }), request({ 'x-signature': signature }, BODY)),
    );
    expect(rejection).toMatchObject({ code: 'malformed_header', header: 'x-signature' });
  });

  it('detects re-serialized JSON and a secret with whitespace', () => {
    const signature = hmac('sha256', SECRET, BODY, 'hex');
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    const reencoded = rejectionOf(verify(rule(), request({ 'x-signature': signature }, pretty)));
    expect(reencoded.likelyCause).toMatch(/re-serialized JSON/);
    const spaced = rejectionOf(
      verify(rule({}, [`${SECRET}\n`]), request({ 'x-signature': signature }, BODY)),
    );
    expect(spaced.likelyCause).toMatch(/Secret #1 has leading or trailing whitespace/);
  });

  it('lists signature-like headers when the configured one is missing', () => {
    const rejection = rejectionOf(verify(rule(), request({ 'x-webhook-signature': 'abc' }, BODY)));
    expect(rejection).toMatchObject({ code: 'missing_header', header: 'x-signature' });
    expect(rejection.likelyCause).toContain('x-webhook-signature');
  });

  it('recognises a Zoom request', () => {
    const rejection = rejectionOf(verify(rule(), request({ 'x-zm-signature': 'v0=00' }, BODY)));
    expect(rejection.likelyCause).toContain('Zoom request');
  });

  it('refuses every request when no secret is configured', () => {
    const rejection = rejectionOf(verify(rule({}, []), request({ 'x-signature': 'ab' }, BODY)));
    expect(rejection.code).toBe('no_secrets_configured');
  });
});
