import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { detectHandshake, type HandshakeRequest } from './handshakes';

function req(
  overrides: Partial<Omit<HandshakeRequest, 'body'>> & { body?: string } = {},
): HandshakeRequest {
  return {
    method: overrides.method ?? 'POST',
    query: overrides.query ?? {},
    headers: overrides.headers ?? {},
    body: Buffer.from(overrides.body ?? ''),
  };
}

describe('detectHandshake', () => {
  describe('Slack url_verification', () => {
    it('answers the challenge as text/plain', () => {
      const body = JSON.stringify({
        token: 't',
        challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
        type: 'url_verification',
      });
      expect(detectHandshake(req({ body }), {})).toEqual({
        kind: 'slack_url_verification',
        statusCode: 200,
        contentType: 'text/plain',
        body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      });
    });

    it('ignores an ordinary Slack event and a non-string challenge', () => {
      expect(
        detectHandshake(req({ body: '{"type":"event_callback","challenge":"x"}' }), {}),
      ).toBeNull();
      expect(
        detectHandshake(req({ body: '{"type":"url_verification","challenge":1}' }), {}),
      ).toBeNull();
    });
  });

  describe('Meta hub.challenge', () => {
    const query = {
      'hub.mode': 'subscribe',
      'hub.challenge': '1158201444',
      'hub.verify_token': 'my-token',
    };

    it('answers the challenge when the verify token matches', () => {
      expect(
        detectHandshake(req({ method: 'GET', query }), { metaVerifyToken: 'my-token' }),
      ).toEqual({
        kind: 'meta_hub_challenge',
        statusCode: 200,
        contentType: 'text/plain',
        body: '1158201444',
      });
    });

    it('refuses with 403 when the token is wrong, missing, or not configured', () => {
      const wrong = detectHandshake(req({ method: 'GET', query }), { metaVerifyToken: 'other' });
      expect(wrong).toMatchObject({ kind: 'meta_hub_challenge', statusCode: 403 });
      expect(wrong?.body).toMatch(/does not match/);
      expect(wrong?.body).not.toContain('other');

      const withoutToken = { ...query, 'hub.verify_token': undefined };
      expect(
        detectHandshake(req({ method: 'GET', query: withoutToken }), {
          metaVerifyToken: 'my-token',
        }),
      ).toMatchObject({ statusCode: 403 });

      const unconfigured = detectHandshake(req({ method: 'GET', query }), {});
      expect(unconfigured).toMatchObject({ statusCode: 403, contentType: 'text/plain' });
      expect(unconfigured?.body).toMatch(/no verify token is configured/);
    });

    it('only treats a GET with hub.mode=subscribe as a handshake', () => {
      const settings = { metaVerifyToken: 'my-token' };
      expect(detectHandshake(req({ method: 'POST', query }), settings)).toBeNull();
      expect(
        detectHandshake(req({ method: 'GET', query: { ...query, 'hub.mode': 'x' } }), settings),
      ).toBeNull();
    });

    it('takes the first value of a repeated query parameter', () => {
      const repeated = { ...query, 'hub.challenge': ['first', 'second'] };
      expect(
        detectHandshake(req({ method: 'GET', query: repeated }), { metaVerifyToken: 'my-token' })
          ?.body,
      ).toBe('first');
    });
  });

  describe('Zoom endpoint.url_validation', () => {
    const body = JSON.stringify({
      payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
      event_ts: 1654503849680,
      event: 'endpoint.url_validation',
    });

    const now = new Date('2026-11-23T12:00:00Z');
    const ts = String(Math.floor(now.getTime() / 1000));
    const signed = (secret: string, timestamp = ts) => ({
      'x-zm-request-timestamp': timestamp,
      'x-zm-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
    });

    it('answers a signed request with the HMAC of the plain token keyed by the secret token', () => {
      const response = detectHandshake(
        { ...req({ body, headers: signed('zoom-secret') }), now },
        { zoomSecretToken: 'zoom-secret' },
      );
      const encryptedToken = createHmac('sha256', 'zoom-secret')
        .update('qgg8vlvZRS6UYooatFL8Aw')
        .digest('hex');
      expect(response).toEqual({
        kind: 'zoom_url_validation',
        statusCode: 200,
        contentType: 'application/json',
        body: JSON.stringify({ plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken }),
      });
    });

    it('refuses an unsigned, wrongly signed or stale request: the answer would be a signing oracle', () => {
      const settings = { zoomSecretToken: 'zoom-secret' };
      const stale = String(Number(ts) - 301);
      for (const headers of [{}, signed('other-secret'), signed('zoom-secret', stale)]) {
        const response = detectHandshake({ ...req({ body, headers }), now }, settings);
        expect(response?.statusCode).toBe(401);
        expect(response?.body).not.toContain('encryptedToken');
      }
    });

    it('is an ordinary event when no secret token is configured', () => {
      expect(detectHandshake(req({ body }), {})).toBeNull();
    });
  });

  describe('Microsoft Graph validationToken', () => {
    it('echoes the token as text/plain for any method', () => {
      const token =
        'Validation: Testing client application reachability for subscription Request-Id: 1';
      for (const method of ['POST', 'GET']) {
        expect(detectHandshake(req({ method, query: { validationToken: token } }), {})).toEqual({
          kind: 'microsoft_graph_validation',
          statusCode: 200,
          contentType: 'text/plain',
          body: token,
        });
      }
    });
  });

  describe('ordinary requests', () => {
    it('returns null for events, non-JSON, arrays, broken JSON and large bodies', () => {
      const large = JSON.stringify({
        type: 'url_verification',
        challenge: 'c',
        pad: 'x'.repeat(70_000),
      });
      for (const body of [
        '',
        '{"type":"push"}',
        'type=url_verification',
        '[1]',
        '{"type":',
        large,
      ]) {
        expect(detectHandshake(req({ body }), { zoomSecretToken: 's' })).toBeNull();
      }
    });

    it('does not throw on bodies that are not UTF-8', () => {
      const request = { ...req(), body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) };
      expect(detectHandshake(request, {})).toBeNull();
    });
  });
});
