import { rejectionOf, request } from '../../testing/fixtures';
import { verify } from '../verify';
import type { VerificationRule } from '../types';

const TOKEN = 'tok_9f8e7d6c5b4a3210';
const rule = (...secrets: string[]): VerificationRule => ({
  type: 'shared_secret',
  header: 'x-webhook-token',
  secrets,
});

describe('shared secret in a header', () => {
  it('accepts the configured value and reports the rotated secret that matched', () => {
    expect(verify(rule(TOKEN), request({ 'x-webhook-token': TOKEN }, ''))).toEqual({
      ok: true,
      scheme: 'shared_secret',
      secretIndex: 0,
    });
    expect(verify(rule('tok_old', TOKEN), request({ 'x-webhook-token': TOKEN }, ''))).toEqual({
      ok: true,
      scheme: 'shared_secret',
      secretIndex: 1,
    });
  });

  it('rejects another value, a prefix of the secret, and the secret with extra characters', () => {
    for (const value of ['tok_wrong', TOKEN.slice(0, -1), `${TOKEN}x`]) {
      const rejection = rejectionOf(verify(rule(TOKEN), request({ 'x-webhook-token': value }, '')));
      expect(rejection).toMatchObject({
        code: 'signature_mismatch',
        header: 'x-webhook-token',
        secretsTried: 1,
      });
    }
  });

  it('never echoes the value that arrived nor the configured secret', () => {
    const sent = 'tok_real_provider_value';
    const rejection = rejectionOf(verify(rule(TOKEN), request({ 'x-webhook-token': sent }, '')));
    const text = JSON.stringify(rejection);
    expect(text).not.toContain(sent);
    expect(text).not.toContain(TOKEN);
    expect(rejection.received).toBe(`(redacted: ${sent.length} characters)`);
    expect(rejection.expectedPrefixes).toBeUndefined();
  });

  it('detects a Bearer prefix and a configured secret with whitespace', () => {
    const bearer = rejectionOf(
      verify(rule(TOKEN), request({ 'x-webhook-token': `Bearer ${TOKEN}` }, '')),
    );
    expect(bearer.likelyCause).toMatch(/arrived as "Bearer <secret>"/);
    const spaced = rejectionOf(
      verify(rule(` ${TOKEN}`), request({ 'x-webhook-token': TOKEN }, '')),
    );
    expect(spaced.likelyCause).toMatch(/Secret #1 has leading or trailing whitespace/);
  });

  it('reports a missing header and refuses without secrets', () => {
    expect(rejectionOf(verify(rule(TOKEN), request({}, ''))).code).toBe('missing_header');
    expect(rejectionOf(verify(rule(), request({ 'x-webhook-token': TOKEN }, ''))).code).toBe(
      'no_secrets_configured',
    );
  });
});
