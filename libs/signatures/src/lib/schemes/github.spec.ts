import { Buffer } from 'node:buffer';
import { expectNoLeak, hmac, rejectionOf, request } from '../../testing/fixtures';
import { verify } from '../verify';
import type { VerificationRule } from '../types';

const SECRET = "It's a Secret to Everybody";
const PAYLOAD = 'Hello, World!';
const DOCUMENTED = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

const rule = (...secrets: string[]): VerificationRule => ({ type: 'github', secrets });
const signed = (secret: string, body: string | Buffer): string =>
  `sha256=${hmac('sha256', secret, body, 'hex')}`;

describe('GitHub X-Hub-Signature-256', () => {
  it("accepts GitHub's documented test vector", () => {
    const result = verify(rule(SECRET), request({ 'x-hub-signature-256': DOCUMENTED }, PAYLOAD));
    expect(result).toEqual({ ok: true, scheme: 'github', secretIndex: 0 });
  });

  it('accepts upper-case hex and a header given as an array', () => {
    const upper = `sha256=${DOCUMENTED.slice(7).toUpperCase()}`;
    expect(verify(rule(SECRET), request({ 'x-hub-signature-256': upper }, PAYLOAD)).ok).toBe(true);
    expect(verify(rule(SECRET), request({ 'x-hub-signature-256': [DOCUMENTED] }, PAYLOAD)).ok).toBe(
      true,
    );
  });

  it('signs the exact body bytes, including bytes that are not valid UTF-8', () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
    const result = verify(rule('s'), request({ 'x-hub-signature-256': signed('s', body) }, body));
    expect(result.ok).toBe(true);
  });

  it('reports which rotated secret matched', () => {
    const result = verify(
      rule('old-secret', SECRET),
      request({ 'x-hub-signature-256': DOCUMENTED }, PAYLOAD),
    );
    expect(result).toEqual({ ok: true, scheme: 'github', secretIndex: 1 });
  });

  it('rejects a tampered body with the expected prefix and the received value', () => {
    const tampered = 'Hello, World?';
    const rejection = rejectionOf(
      verify(rule(SECRET), request({ 'x-hub-signature-256': DOCUMENTED }, tampered)),
    );
    expect(rejection).toMatchObject({
      code: 'signature_mismatch',
      scheme: 'github',
      header: 'X-Hub-Signature-256',
      received: DOCUMENTED,
      expectedPrefixes: [hmac('sha256', SECRET, tampered, 'hex').slice(0, 8)],
      secretsTried: 1,
    });
    expect(rejection.message).toContain('X-Hub-Signature-256');
    expect(rejection.likelyCause).toMatch(/secret most likely differs/);
  });

  it('rejects a wrong secret and counts every secret tried', () => {
    const rejection = rejectionOf(
      verify(rule('a', 'b'), request({ 'x-hub-signature-256': DOCUMENTED }, PAYLOAD)),
    );
    expect(rejection.code).toBe('signature_mismatch');
    expect(rejection.secretsTried).toBe(2);
    expect(rejection.expectedPrefixes).toHaveLength(2);
    expect(rejection.likelyCause).toContain(
      'None of the 2 configured secrets produced this signature',
    );
  });

  it('never puts the secret or the valid signature for the received body in a rejection', () => {
    const tampered = 'Hello, World?';
    const result = verify(rule(SECRET), request({ 'x-hub-signature-256': DOCUMENTED }, tampered));
    expectNoLeak(result, [SECRET], [hmac('sha256', SECRET, tampered, 'hex')]);
  });

  it('reports a missing header with its canonical name', () => {
    const rejection = rejectionOf(verify(rule(SECRET), request({}, PAYLOAD)));
    expect(rejection).toMatchObject({
      code: 'missing_header',
      header: 'X-Hub-Signature-256',
      message: 'Header X-Hub-Signature-256 is missing',
    });
    expect(rejection.likelyCause).toBeUndefined();
  });

  it('does not accept the legacy SHA-1 header, and says that only it arrived', () => {
    const sha1 = `sha1=${hmac('sha1', SECRET, PAYLOAD, 'hex')}`;
    const rejection = rejectionOf(
      verify(rule(SECRET), request({ 'x-hub-signature': sha1 }, PAYLOAD)),
    );
    expect(rejection.code).toBe('missing_header');
    expect(rejection.likelyCause).toContain('Only the legacy X-Hub-Signature (HMAC-SHA1)');
    expect(rejection.likelyCause).toContain('valid for secret #1');
  });

  it('does not accept a SHA-1 digest placed in the SHA-256 header', () => {
    const sha1 = `sha256=${hmac('sha1', SECRET, PAYLOAD, 'hex')}`;
    const result = verify(rule(SECRET), request({ 'x-hub-signature-256': sha1 }, PAYLOAD));
    expect(rejectionOf(result).code).toBe('signature_mismatch');
  });

  it('calls a value without the sha256= prefix malformed', () => {
    const rejection = rejectionOf(
      verify(rule(SECRET), request({ 'x-hub-signature-256': DOCUMENTED.slice(7) }, PAYLOAD)),
    );
    expect(rejection.code).toBe('malformed_header');
    expect(rejection.likelyCause).toContain('prefix is missing');
  });

  it('recognises a Stripe request sent to a GitHub source', () => {
    const rejection = rejectionOf(
      verify(rule(SECRET), request({ 'stripe-signature': 't=1,v1=ab' }, PAYLOAD)),
    );
    expect(rejection.code).toBe('missing_header');
    expect(rejection.likelyCause).toContain(
      'This looks like a Stripe request (it carries stripe-signature): the source is set to GitHub',
    );
  });

  it('detects a body re-serialized as pretty JSON', () => {
    const original = '{"action":"opened","number":1}';
    const pretty = JSON.stringify(JSON.parse(original), null, 2);
    const rejection = rejectionOf(
      verify(rule(SECRET), request({ 'x-hub-signature-256': signed(SECRET, original) }, pretty)),
    );
    expect(rejection.likelyCause).toMatch(/re-serialized JSON/);
  });

  it('detects a trailing newline added in transit', () => {
    const rejection = rejectionOf(
      verify(rule(SECRET), request({ 'x-hub-signature-256': DOCUMENTED }, `${PAYLOAD}\n`)),
    );
    expect(rejection.likelyCause).toMatch(/trailing newline was added/);
  });

  it('does not re-sign variants of bodies above 256 KiB', () => {
    const big = 'x'.repeat(300 * 1024);
    const rejection = rejectionOf(
      verify(rule(SECRET), request({ 'x-hub-signature-256': signed(SECRET, big) }, `${big}\n`)),
    );
    expect(rejection.likelyCause).toMatch(/secret most likely differs/);
  });

  it('detects a base64 signature where hex is expected', () => {
    const base64 = `sha256=${hmac('sha256', SECRET, PAYLOAD, 'base64')}`;
    const rejection = rejectionOf(
      verify(rule(SECRET), request({ 'x-hub-signature-256': base64 }, PAYLOAD)),
    );
    expect(rejection.likelyCause).toMatch(/arrived base64-encoded but this source expects hex/);
  });

  it('detects a configured secret with surrounding whitespace', () => {
    const rejection = rejectionOf(
      verify(rule(`  ${SECRET}\n`), request({ 'x-hub-signature-256': DOCUMENTED }, PAYLOAD)),
    );
    expect(rejection.likelyCause).toMatch(/Secret #1 has leading or trailing whitespace/);
  });

  it('flags a whsec_ secret configured on a GitHub source', () => {
    const rejection = rejectionOf(
      verify(rule('whsec_abc'), request({ 'x-hub-signature-256': DOCUMENTED }, PAYLOAD)),
    );
    expect(rejection.likelyCause).toMatch(/Secret #1 starts with "whsec_"/);
  });

  it('refuses every request when no secret is configured', () => {
    const rejection = rejectionOf(
      verify(rule(), request({ 'x-hub-signature-256': DOCUMENTED }, PAYLOAD)),
    );
    expect(rejection.code).toBe('no_secrets_configured');
  });
});
