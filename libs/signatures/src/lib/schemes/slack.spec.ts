import { expectNoLeak, hmac, NOW_SECONDS, rejectionOf, request } from '../../testing/fixtures';
import { verify } from '../verify';
import type { IncomingHeaders, VerificationRule } from '../types';

// The example of Slack's "Verifying requests from Slack" page.
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const SLACK_TIMESTAMP = 1531420618;
const SLACK_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SLACK_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

const rule = (secrets: string[] = [SLACK_SECRET]): VerificationRule => ({ type: 'slack', secrets });
const headers = (t: number | string, signature: string): IncomingHeaders => ({
  'x-slack-request-timestamp': String(t),
  'x-slack-signature': signature,
});
const sign = (t: number, body: string, secret = SLACK_SECRET): string =>
  `v0=${hmac('sha256', secret, `v0:${t}:${body}`, 'hex')}`;

describe('Slack v0 signature', () => {
  const t = NOW_SECONDS - 2;

  it("accepts Slack's documented example", () => {
    const result = verify(
      rule(),
      request(
        headers(SLACK_TIMESTAMP, SLACK_SIGNATURE),
        SLACK_BODY,
        new Date(SLACK_TIMESTAMP * 1000),
      ),
    );
    expect(result).toEqual({ ok: true, scheme: 'slack', secretIndex: 0 });
  });

  it('reports which rotated secret matched', () => {
    const result = verify(rule(['old', SLACK_SECRET]), request(headers(t, sign(t, '{}')), '{}'));
    expect(result).toEqual({ ok: true, scheme: 'slack', secretIndex: 1 });
  });

  it('rejects a stale request with the skew, naming the timestamp header', () => {
    const rejection = rejectionOf(
      verify(rule(), request(headers(SLACK_TIMESTAMP, SLACK_SIGNATURE), SLACK_BODY)),
    );
    expect(rejection).toMatchObject({
      code: 'timestamp_out_of_tolerance',
      header: 'X-Slack-Request-Timestamp',
      skewSeconds: NOW_SECONDS - SLACK_TIMESTAMP,
      toleranceSeconds: 300,
    });
  });

  it('rejects a request from the future', () => {
    const future = NOW_SECONDS + 600;
    const rejection = rejectionOf(verify(rule(), request(headers(future, sign(future, 'x')), 'x')));
    expect(rejection).toMatchObject({ code: 'timestamp_out_of_tolerance', skewSeconds: -600 });
  });

  it('rejects a tampered body without leaking the secret or a valid signature', () => {
    const result = verify(rule(), request(headers(t, sign(t, 'text=hi')), 'text=ho'));
    expect(rejectionOf(result)).toMatchObject({
      code: 'signature_mismatch',
      header: 'X-Slack-Signature',
      expectedPrefixes: [sign(t, 'text=ho').slice(3, 11)],
    });
    expectNoLeak(result, [SLACK_SECRET], [sign(t, 'text=ho').slice(3)]);
  });

  it('rejects a signature made for another timestamp', () => {
    const result = verify(rule(), request(headers(t, sign(t - 1, 'x')), 'x'));
    expect(rejectionOf(result).code).toBe('signature_mismatch');
  });

  it('reports a missing signature or timestamp header', () => {
    const noSignature = rejectionOf(
      verify(rule(), request({ 'x-slack-request-timestamp': String(t) }, 'x')),
    );
    expect(noSignature).toMatchObject({ code: 'missing_header', header: 'X-Slack-Signature' });
    const noTimestamp = rejectionOf(
      verify(rule(), request({ 'x-slack-signature': sign(t, 'x') }, 'x')),
    );
    expect(noTimestamp).toMatchObject({
      code: 'missing_header',
      header: 'X-Slack-Request-Timestamp',
    });
  });

  it('calls a signature without v0= or a non-numeric timestamp malformed', () => {
    const noPrefix = rejectionOf(verify(rule(), request(headers(t, sign(t, 'x').slice(3)), 'x')));
    expect(noPrefix).toMatchObject({ code: 'malformed_header', header: 'X-Slack-Signature' });
    const badTime = rejectionOf(verify(rule(), request(headers('soon', sign(t, 'x')), 'x')));
    expect(badTime).toMatchObject({
      code: 'malformed_header',
      header: 'X-Slack-Request-Timestamp',
    });
  });

  it('flags a whsec_ secret configured on a Slack source', () => {
    const rejection = rejectionOf(
      verify(rule(['whsec_abc']), request(headers(t, sign(t, 'x')), 'x')),
    );
    expect(rejection.likelyCause).toMatch(/starts with "whsec_"/);
  });
});
