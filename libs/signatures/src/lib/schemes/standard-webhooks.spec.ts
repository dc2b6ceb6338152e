import { Buffer } from 'node:buffer';
import { expectNoLeak, hmac, NOW_SECONDS, rejectionOf, request } from '../../testing/fixtures';
import { verify } from '../verify';
import type { IncomingHeaders, VerificationRule } from '../types';
import { signStandardWebhook } from './standard-webhooks';

// The Standard Webhooks specification's own example.
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TIMESTAMP = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const SPEC_NOW = new Date(SPEC_TIMESTAMP * 1000);

const KEY = Buffer.from(SPEC_SECRET.slice('whsec_'.length), 'base64');
const rule = (secrets: string[] = [SPEC_SECRET], toleranceSeconds?: number): VerificationRule => ({
  type: 'standard_webhooks',
  secrets,
  ...(toleranceSeconds === undefined ? {} : { toleranceSeconds }),
});
const sign = (id: string, t: number, body: string, key: Buffer | string = KEY): string =>
  hmac('sha256', key, `${id}.${t}.${body}`, 'base64');
const headers = (id: string, t: number, signature: string): IncomingHeaders => ({
  'webhook-id': id,
  'webhook-timestamp': String(t),
  'webhook-signature': signature,
});

describe('Standard Webhooks', () => {
  const t = NOW_SECONDS - 10;

  it("accepts the specification's test vector", () => {
    const result = verify(
      rule(),
      request(headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE), SPEC_BODY, SPEC_NOW),
    );
    expect(result).toEqual({ ok: true, scheme: 'standard_webhooks', secretIndex: 0 });
  });

  it('signs the test vector the same way for forwarding', () => {
    const signature = signStandardWebhook({
      secret: SPEC_SECRET,
      id: SPEC_ID,
      timestamp: SPEC_TIMESTAMP,
      body: Buffer.from(SPEC_BODY),
    });
    expect(signature).toBe(SPEC_SIGNATURE);
  });

  it('accepts a secret given without the whsec_ prefix', () => {
    const result = verify(
      rule([SPEC_SECRET.slice(6)]),
      request(headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE), SPEC_BODY, SPEC_NOW),
    );
    expect(result.ok).toBe(true);
  });

  it('finds the v1 entry in a list and ignores other versions', () => {
    const list = `v1a,${'A'.repeat(86)}== v1,${'B'.repeat(43)}= ${SPEC_SIGNATURE}`;
    const result = verify(
      rule(),
      request(headers(SPEC_ID, SPEC_TIMESTAMP, list), SPEC_BODY, SPEC_NOW),
    );
    expect(result.ok).toBe(true);
  });

  it('accepts the svix-* header names when the webhook-* ones are absent', () => {
    const svix = {
      'svix-id': SPEC_ID,
      'svix-timestamp': String(SPEC_TIMESTAMP),
      'svix-signature': SPEC_SIGNATURE,
    };
    expect(verify(rule(), request(svix, SPEC_BODY, SPEC_NOW)).ok).toBe(true);
  });

  it('reports which rotated secret matched', () => {
    const result = verify(
      rule(['whsec_' + Buffer.alloc(24, 1).toString('base64'), SPEC_SECRET]),
      request(headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE), SPEC_BODY, SPEC_NOW),
    );
    expect(result).toEqual({ ok: true, scheme: 'standard_webhooks', secretIndex: 1 });
  });

  it('rejects a tampered body without leaking the secret or a valid signature', () => {
    const tampered = '{"test": 2432232315}';
    const result = verify(
      rule(),
      request(headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE), tampered, SPEC_NOW),
    );
    const valid = sign(SPEC_ID, SPEC_TIMESTAMP, tampered);
    expect(rejectionOf(result)).toMatchObject({
      code: 'signature_mismatch',
      header: 'webhook-signature',
      received: SPEC_SIGNATURE,
      expectedPrefixes: [valid.slice(0, 8)],
    });
    expectNoLeak(result, [SPEC_SECRET], [valid]);
  });

  it('rejects a changed message id', () => {
    const result = verify(
      rule(),
      request(headers('msg_other', SPEC_TIMESTAMP, SPEC_SIGNATURE), SPEC_BODY, SPEC_NOW),
    );
    expect(rejectionOf(result).code).toBe('signature_mismatch');
  });

  it('rejects stale and future timestamps with the skew', () => {
    const stale = rejectionOf(
      verify(rule(), request(headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE), SPEC_BODY)),
    );
    expect(stale).toMatchObject({
      code: 'timestamp_out_of_tolerance',
      header: 'webhook-timestamp',
      received: String(SPEC_TIMESTAMP),
      skewSeconds: NOW_SECONDS - SPEC_TIMESTAMP,
      toleranceSeconds: 300,
    });

    const future = NOW_SECONDS + 301;
    const ahead = rejectionOf(
      verify(rule(), request(headers('msg_1', future, `v1,${sign('msg_1', future, '{}')}`), '{}')),
    );
    expect(ahead).toMatchObject({ code: 'timestamp_out_of_tolerance', skewSeconds: -301 });
  });

  it('detects a timestamp in milliseconds', () => {
    const ms = NOW_SECONDS * 1000;
    const rejection = rejectionOf(
      verify(rule(), request(headers('msg_1', ms, `v1,${sign('msg_1', ms, '{}')}`), '{}')),
    );
    expect(rejection.likelyCause).toMatch(/milliseconds/);
  });

  it('reports each missing header by name', () => {
    const full = headers('msg_1', t, `v1,${sign('msg_1', t, '{}')}`);
    for (const name of ['webhook-signature', 'webhook-id', 'webhook-timestamp']) {
      const partial = { ...full, [name]: undefined };
      const rejection = rejectionOf(verify(rule(), request(partial, '{}')));
      expect(rejection).toMatchObject({ code: 'missing_header', header: name });
    }
  });

  it('recognises a Stripe request sent to a Standard Webhooks source', () => {
    const rejection = rejectionOf(
      verify(rule(), request({ 'stripe-signature': `t=${t},v1=00` }, '{}')),
    );
    expect(rejection.likelyCause).toContain(
      'This looks like a Stripe request (it carries stripe-signature): the source is set to Standard Webhooks',
    );
  });

  it('calls a list without v1 entries malformed and explains v1a and bare signatures', () => {
    const v1a = rejectionOf(
      verify(rule(), request(headers('msg_1', t, `v1a,${'A'.repeat(86)}==`), '{}')),
    );
    expect(v1a).toMatchObject({ code: 'malformed_header', header: 'webhook-signature' });
    expect(v1a.likelyCause).toMatch(/v1a \(ed25519\)/);

    const bare = rejectionOf(
      verify(rule(), request(headers('msg_1', t, sign('msg_1', t, '{}')), '{}')),
    );
    expect(bare.likelyCause).toMatch(/"v1," version tag is missing/);
  });

  it('calls a non-numeric timestamp malformed', () => {
    const value = {
      ...headers('msg_1', t, `v1,${sign('msg_1', t, '{}')}`),
      'webhook-timestamp': '2024-06-01T12:00:00Z',
    };
    const rejection = rejectionOf(verify(rule(), request(value, '{}')));
    expect(rejection).toMatchObject({ code: 'malformed_header', header: 'webhook-timestamp' });
  });

  it('detects a sender that keys with the whole whsec_ string, Stripe-style', () => {
    const stripeStyle = sign('msg_1', t, '{}', SPEC_SECRET);
    const rejection = rejectionOf(
      verify(rule(), request(headers('msg_1', t, `v1,${stripeStyle}`), '{}')),
    );
    expect(rejection.likelyCause).toMatch(/whole "whsec_…" string is used as the key/);
  });

  it('detects a body re-serialized without the original spacing', () => {
    const compact = JSON.stringify(JSON.parse(SPEC_BODY));
    const rejection = rejectionOf(
      verify(rule(), request(headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE), compact, SPEC_NOW)),
    );
    expect(rejection.likelyCause).toMatch(/re-serialized JSON/);
  });

  it('detects a hex signature where base64 is expected', () => {
    const hex = hmac('sha256', KEY, `msg_1.${t}.{}`, 'hex');
    const rejection = rejectionOf(verify(rule(), request(headers('msg_1', t, `v1,${hex}`), '{}')));
    expect(rejection.likelyCause).toMatch(/arrived hex-encoded but this source expects base64/);
  });

  it('says when a configured secret is not whsec_ + base64', () => {
    const rejection = rejectionOf(
      verify(
        rule(['whsec_not base64!']),
        request(headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE), SPEC_BODY, SPEC_NOW),
      ),
    );
    expect(rejection.expectedPrefixes).toEqual(['(secret is not whsec_ + base64)']);
    expect(rejection.likelyCause).toMatch(/Secret #1 is not a Standard Webhooks secret/);
  });

  it('detects a configured secret with surrounding whitespace', () => {
    const rejection = rejectionOf(
      verify(
        rule([` ${SPEC_SECRET} `]),
        request(headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE), SPEC_BODY, SPEC_NOW),
      ),
    );
    expect(rejection.likelyCause).toMatch(/Secret #1 has leading or trailing whitespace/);
  });

  it('refuses every request when no secret is configured', () => {
    const rejection = rejectionOf(
      verify(rule([]), request(headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_SIGNATURE), SPEC_BODY)),
    );
    expect(rejection.code).toBe('no_secrets_configured');
  });
});
