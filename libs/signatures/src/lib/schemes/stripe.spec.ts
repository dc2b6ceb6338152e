import { Buffer } from 'node:buffer';
import { expectNoLeak, hmac, NOW_SECONDS, rejectionOf, request } from '../../testing/fixtures';
import { verify } from '../verify';
import type { VerificationRule } from '../types';

const SECRET = 'whsec_test_5f3c1b2a9d8e7f6a5b4c3d2e1f0a9b8c';
const BODY = '{"id":"evt_1","object":"event","type":"payment_intent.succeeded"}';

const rule = (secrets: string[] = [SECRET], toleranceSeconds?: number): VerificationRule =>
  toleranceSeconds === undefined
    ? { type: 'stripe', secrets }
    : { type: 'stripe', secrets, toleranceSeconds };

/** Stripe's documented algorithm: hex HMAC-SHA256 of `${t}.${body}`, keyed by the whole secret. */
const v1 = (t: number, body: string, secret = SECRET): string =>
  hmac('sha256', secret, `${t}.${body}`, 'hex');
const header = (t: number, ...signatures: string[]): string =>
  [`t=${t}`, ...signatures.map((s) => `v1=${s}`)].join(',');

describe('Stripe-Signature', () => {
  const t = NOW_SECONDS - 5;

  it('accepts a header built with the documented algorithm', () => {
    const result = verify(rule(), request({ 'stripe-signature': header(t, v1(t, BODY)) }, BODY));
    expect(result).toEqual({ ok: true, scheme: 'stripe', secretIndex: 0 });
  });

  it('accepts when any of several v1 signatures matches and ignores v0', () => {
    const value = `t=${t},v1=${'0'.repeat(64)},v1=${v1(t, BODY)},v0=${'1'.repeat(64)}`;
    expect(verify(rule(), request({ 'stripe-signature': value }, BODY)).ok).toBe(true);
  });

  it('tolerates spaces around the parts', () => {
    const value = `t=${t}, v1=${v1(t, BODY)}`;
    expect(verify(rule(), request({ 'stripe-signature': value }, BODY)).ok).toBe(true);
  });

  it('reports which rotated secret matched', () => {
    const result = verify(
      rule(['whsec_old', SECRET]),
      request({ 'stripe-signature': header(t, v1(t, BODY)) }, BODY),
    );
    expect(result).toEqual({ ok: true, scheme: 'stripe', secretIndex: 1 });
  });

  it('keys the HMAC with the whole secret, not its base64-decoded part', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const decodedKey = Buffer.from(secret.slice(6), 'base64');
    const wrong = hmac('sha256', decodedKey, `${t}.${BODY}`, 'hex');
    const rejection = rejectionOf(
      verify(rule([secret]), request({ 'stripe-signature': header(t, wrong) }, BODY)),
    );
    expect(rejection.code).toBe('signature_mismatch');
    expect(rejection.likelyCause).toMatch(
      /base64-decoded into the key \(as Standard Webhooks does\)/,
    );
  });

  it('rejects a tampered body without leaking the secret or a valid signature', () => {
    const tampered = BODY.replace('succeeded', 'failed');
    const result = verify(
      rule(),
      request({ 'stripe-signature': header(t, v1(t, BODY)) }, tampered),
    );
    expect(rejectionOf(result)).toMatchObject({
      code: 'signature_mismatch',
      header: 'Stripe-Signature',
      expectedPrefixes: [v1(t, tampered).slice(0, 8)],
      secretsTried: 1,
      skewSeconds: 5,
      toleranceSeconds: 300,
    });
    expectNoLeak(result, [SECRET], [v1(t, tampered)]);
  });

  it('rejects a wrong secret with the default cause', () => {
    const rejection = rejectionOf(
      verify(rule(), request({ 'stripe-signature': header(t, v1(t, BODY, 'whsec_other')) }, BODY)),
    );
    expect(rejection.likelyCause).toMatch(/^The configured secret did not produce this signature/);
  });

  it('rejects a stale timestamp and reports the skew', () => {
    const old = NOW_SECONDS - 301;
    const rejection = rejectionOf(
      verify(rule(), request({ 'stripe-signature': header(old, v1(old, BODY)) }, BODY)),
    );
    expect(rejection).toMatchObject({
      code: 'timestamp_out_of_tolerance',
      header: 'Stripe-Signature',
      skewSeconds: 301,
      toleranceSeconds: 300,
    });
    expect(rejection.message).toBe(
      'Header Stripe-Signature is 301 s old, outside the tolerance of 300 s',
    );
  });

  it('accepts a timestamp exactly at the tolerance', () => {
    const edge = NOW_SECONDS - 300;
    expect(
      verify(rule(), request({ 'stripe-signature': header(edge, v1(edge, BODY)) }, BODY)).ok,
    ).toBe(true);
  });

  it('also rejects a timestamp too far in the future', () => {
    const future = NOW_SECONDS + 400;
    const rejection = rejectionOf(
      verify(rule(), request({ 'stripe-signature': header(future, v1(future, BODY)) }, BODY)),
    );
    expect(rejection).toMatchObject({ code: 'timestamp_out_of_tolerance', skewSeconds: -400 });
    expect(rejection.likelyCause).toMatch(/clock/);
  });

  it('honours a configured tolerance and falls back to 300 s for a non-positive one', () => {
    const old = NOW_SECONDS - 500;
    const value = header(old, v1(old, BODY));
    expect(verify(rule([SECRET], 600), request({ 'stripe-signature': value }, BODY)).ok).toBe(true);
    const rejection = rejectionOf(
      verify(rule([SECRET], 0), request({ 'stripe-signature': value }, BODY)),
    );
    expect(rejection.toleranceSeconds).toBe(300);
  });

  it('detects a timestamp in milliseconds', () => {
    const ms = NOW_SECONDS * 1000;
    const rejection = rejectionOf(
      verify(rule(), request({ 'stripe-signature': header(ms, v1(ms, BODY)) }, BODY)),
    );
    expect(rejection.code).toBe('timestamp_out_of_tolerance');
    expect(rejection.likelyCause).toMatch(/milliseconds instead of Unix seconds/);
  });

  it('reports a missing header and recognises a GitHub request', () => {
    const rejection = rejectionOf(
      verify(rule(), request({ 'x-hub-signature-256': 'sha256=00' }, BODY)),
    );
    expect(rejection).toMatchObject({ code: 'missing_header', header: 'Stripe-Signature' });
    expect(rejection.likelyCause).toContain('GitHub');
    expect(rejection.likelyCause).toContain('the source is set to Stripe');
  });

  it('calls a header without t= or without v1= malformed', () => {
    for (const value of [`v1=${v1(t, BODY)}`, `t=${t}`, 'garbage']) {
      const rejection = rejectionOf(verify(rule(), request({ 'stripe-signature': value }, BODY)));
      expect(rejection).toMatchObject({ code: 'malformed_header', received: value });
      expect(rejection.message).toContain('t=<unix seconds>,v1=<hex signature>');
    }
  });

  it('explains a header that carries only v0 signatures', () => {
    const rejection = rejectionOf(
      verify(rule(), request({ 'stripe-signature': `t=${t},v0=${'a'.repeat(64)}` }, BODY)),
    );
    expect(rejection.likelyCause).toMatch(/Only v0 signatures arrived/);
  });

  it('calls a non-numeric timestamp malformed', () => {
    const rejection = rejectionOf(
      verify(rule(), request({ 'stripe-signature': `t=yesterday,v1=${v1(t, BODY)}` }, BODY)),
    );
    expect(rejection.code).toBe('malformed_header');
    expect(rejection.likelyCause).toMatch(/not a Unix time/);
  });

  it('detects a body re-serialized as compact JSON', () => {
    const original = '{\n  "id": "evt_1",\n  "object": "event"\n}';
    const received = JSON.stringify(JSON.parse(original));
    const rejection = rejectionOf(
      verify(rule(), request({ 'stripe-signature': header(t, v1(t, original)) }, received)),
    );
    expect(rejection.likelyCause).toMatch(/re-serialized JSON/);
  });

  it('truncates a long received value', () => {
    const value = `t=${t},v1=${'f'.repeat(500)}`;
    const rejection = rejectionOf(verify(rule(), request({ 'stripe-signature': value }, BODY)));
    expect(rejection.received?.length).toBeLessThanOrEqual(201);
  });
});
