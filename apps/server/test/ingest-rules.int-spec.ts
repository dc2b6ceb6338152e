import { createHmac } from 'node:crypto';
import { sign, nowSeconds } from './signing';
import Redis from 'ioredis';
import type { AppConfig } from '../src/config/config';
import { RateLimiter } from '../src/modules/redis/rate-limiter.service';
import { startServer, truncateAll, withDb, type TestServer } from './helpers';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
beforeEach(() => truncateAll());

async function createSource(input: Record<string, unknown>): Promise<{ id: string; slug: string }> {
  const res = await server.api('/api/v1/sources', {
    method: 'POST',
    json: { name: 'Test', ...input },
  });
  if (res.status !== 201) throw new Error(`create source: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; slug: string };
}

function send(
  slug: string,
  init: { body?: string; headers?: Record<string, string>; method?: string; path?: string } = {},
) {
  return fetch(`${server.url}/in/${slug}${init.path ?? ''}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body !== undefined && { body: init.body }),
  });
}

const countEvents = (where = 'true', args: unknown[] = []) =>
  withDb(
    async (c) =>
      (await c.query(`SELECT count(*)::int AS n FROM events WHERE ${where}`, args)).rows[0]
        .n as number,
  );

describe('every verification scheme, through HTTP', () => {
  const body = '{"id":"evt_1","type":"ping"}';
  const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const cases: [string, Record<string, unknown>, Record<string, string>, Record<string, string>][] =
    [
      [
        'github',
        { type: 'github', secrets: ['s1'] },
        sign.github('s1', body),
        sign.github('s2', body),
      ],
      [
        'stripe',
        { type: 'stripe', secrets: ['whsec_stripe'] },
        sign.stripe('whsec_stripe', body),
        sign.stripe('whsec_stripe', body, nowSeconds() - 301),
      ],
      [
        'shopify',
        { type: 'shopify', secrets: ['shop'] },
        sign.shopify('shop', body),
        sign.shopify('shop', `${body} `),
      ],
      [
        'slack',
        { type: 'slack', secrets: ['slk'] },
        sign.slack('slk', body),
        sign.slack('slk', body, nowSeconds() + 600),
      ],
      [
        'standard_webhooks',
        { type: 'standard_webhooks', secrets: [SW_SECRET] },
        sign.standardWebhooks(SW_SECRET, 'msg_1', body),
        sign.standardWebhooks(SW_SECRET, 'msg_2', '{}'),
      ],
      [
        'shared_secret',
        { type: 'shared_secret', header: 'X-Token', secrets: ['tok-123'] },
        { 'x-token': 'tok-123' },
        { 'x-token': 'tok-124' },
      ],
      [
        'hmac',
        {
          type: 'hmac',
          header: 'X-Sig',
          algorithm: 'sha512',
          encoding: 'base64',
          prefix: 'sha512=',
          secrets: ['h'],
        },
        { 'x-sig': `sha512=${sign.hmac('sha512', 'base64', 'h', body)}` },
        { 'x-sig': `sha512=${sign.hmac('sha256', 'base64', 'h', body)}` },
      ],
    ];

  it.each(cases)(
    '%s: a valid signature is accepted, a bad one is rejected and recorded',
    async (type, verification, good, bad) => {
      const slug = type.replace('_', '-');
      await createSource({ slug, verification });
      const ok = await send(slug, { body, headers: good });
      expect(ok.status).toBe(202);
      const rejected = await send(slug, { body, headers: bad });
      expect(rejected.status).toBe(401);
      const { id } = (await rejected.json()) as { id: string };
      const row = await withDb(
        async (c) =>
          (await c.query('SELECT status, rejection, dedupe_key FROM events WHERE id = $1', [id]))
            .rows[0],
      );
      expect(row.status).toBe('rejected');
      expect(row.rejection.scheme).toBe(type);
      expect(row.dedupe_key).toBeNull();
    },
  );

  it('records the timestamp skew of a stale Stripe request', async () => {
    await createSource({ slug: 'stripe', verification: { type: 'stripe', secrets: ['whsec_x'] } });
    const res = await send('stripe', {
      body,
      headers: sign.stripe('whsec_x', body, nowSeconds() - 1000),
    });
    const { id } = (await res.json()) as { id: string };
    const event = (await (await server.api(`/api/v1/events/${id}`)).json()) as {
      rejection: { code: string; skewSeconds: number; toleranceSeconds: number };
    };
    expect(event.rejection.code).toBe('timestamp_out_of_tolerance');
    expect(event.rejection.skewSeconds).toBeGreaterThanOrEqual(1000);
    expect(event.rejection.toleranceSeconds).toBe(300);
  });

  it('says the likely cause when the body was re-encoded on the way', async () => {
    await createSource({ slug: 'gh', verification: { type: 'github', secrets: ['s1'] } });
    const original = '{"a": 1, "b": [1, 2]}';
    const reencoded = JSON.stringify(JSON.parse(original));
    const res = await send('gh', { body: reencoded, headers: sign.github('s1', original) });
    const { id } = (await res.json()) as { id: string };
    const event = (await (await server.api(`/api/v1/events/${id}`)).json()) as {
      rejection: { likelyCause?: string };
    };
    expect(event.rejection.likelyCause).toMatch(/re-?serialized|re-?encoded/i);
  });
});

describe('dedupe', () => {
  it('answers a repeated GitHub delivery with the first event id and stores nothing new', async () => {
    await createSource({ slug: 'gh', verification: { type: 'github', secrets: ['s1'] } });
    const body = '{"action":"opened"}';
    const headers = {
      ...sign.github('s1', body),
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    };
    const first = await send('gh', { body, headers });
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    const again = await send('gh', { body, headers });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id, duplicate: true });
    expect(await countEvents()).toBe(1);
  });

  it('stores exactly one event for 100 concurrent duplicates of one delivery id', async () => {
    await createSource({ slug: 'sw' });
    const body = '{"n":1}';
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        send('sw', { body, headers: { 'webhook-id': 'msg_concurrent' } }).then(async (r) => ({
          status: r.status,
          ...((await r.json()) as { id: string; duplicate?: boolean }),
        })),
      ),
    );
    expect(await countEvents()).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.duplicate)).toHaveLength(99);
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
  });

  it.each([
    ['X-Shopify-Webhook-Id', { 'x-shopify-webhook-id': 'shop-1' }, '{}'],
    ['Stripe event id', { 'stripe-signature': 't=1,v1=00' }, '{"id":"evt_123","object":"event"}'],
  ])('recognises %s under the auto rule', async (_name, headers, body) => {
    await createSource({ slug: 'auto' });
    expect((await send('auto', { body, headers })).status).toBe(202);
    expect((await send('auto', { body, headers })).status).toBe(200);
    expect(await countEvents()).toBe(1);
  });

  it('uses a configured header or body path, and can be turned off', async () => {
    await createSource({ slug: 'by-header', dedupe: { mode: 'header', header: 'X-Request-Id' } });
    await createSource({ slug: 'by-path', dedupe: { mode: 'body_path', path: 'data.id' } });
    await createSource({ slug: 'off', dedupe: { mode: 'off' } });
    const h = { 'x-request-id': 'r-1', 'webhook-id': 'ignored-here' };
    expect((await send('by-header', { body: '{}', headers: h })).status).toBe(202);
    expect(
      (await send('by-header', { body: '{}', headers: { ...h, 'webhook-id': 'other' } })).status,
    ).toBe(200);
    expect((await send('by-path', { body: '{"data":{"id":42}}' })).status).toBe(202);
    expect((await send('by-path', { body: '{"data":{"id":42},"retry":true}' })).status).toBe(200);
    expect((await send('by-path', { body: '{"data":{"id":43}}' })).status).toBe(202);
    const w = { 'webhook-id': 'same' };
    expect((await send('off', { body: '{}', headers: w })).status).toBe(202);
    expect((await send('off', { body: '{}', headers: w })).status).toBe(202);
  });

  it('does not let a rejected request take the delivery id of the real one', async () => {
    await createSource({ slug: 'gh', verification: { type: 'github', secrets: ['s1'] } });
    const body = '{"real":true}';
    const id = { 'x-github-delivery': 'd-1' };
    expect(
      (
        await send('gh', {
          body: '{"forged":true}',
          headers: { ...sign.github('wrong', body), ...id },
        })
      ).status,
    ).toBe(401);
    expect(
      (await send('gh', { body, headers: { ...sign.github('s1', body), ...id } })).status,
    ).toBe(202);
  });
});

describe('ordering: the 2xx means committed', () => {
  it('every accepted event is readable from another connection when its answer arrives', async () => {
    await createSource({ slug: 'o' });
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await send('o', { body: `{"i":${i}}` });
        expect(res.status).toBe(202);
        const { id } = (await res.json()) as { id: string };
        expect(await countEvents('id = $1', [id])).toBe(1);
      }),
    );
  });
});

describe('handshakes', () => {
  it('answers Slack url_verification once the request is verified', async () => {
    await createSource({ slug: 'slack', verification: { type: 'slack', secrets: ['slk'] } });
    const body = JSON.stringify({ token: 't', challenge: 'ch-123', type: 'url_verification' });
    const ok = await send('slack', { body, headers: sign.slack('slk', body) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('ch-123');
    const forged = await send('slack', { body, headers: sign.slack('nope', body) });
    expect(forged.status).toBe(401);
    const handshakes = await withDb(
      async (c) =>
        (await c.query(`SELECT handshake, status FROM events ORDER BY received_at`)).rows,
    );
    expect(handshakes).toEqual([
      { handshake: 'slack_url_verification', status: 'accepted' },
      { handshake: null, status: 'rejected' },
    ]);
  });

  it("answers Meta's hub.challenge only with the right verify token", async () => {
    await createSource({ slug: 'meta', handshake: { metaVerifyToken: 'vt-1' } });
    const q = (token: string) =>
      `?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${token}`;
    const ok = await send('meta', { method: 'GET', path: q('vt-1') });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await send('meta', { method: 'GET', path: q('vt-2') });
    expect(wrong.status).toBe(403);
  });

  it('answers a signed Zoom endpoint.url_validation', async () => {
    await createSource({ slug: 'zoom', handshake: { zoomSecretToken: 'zst' } });
    const body = JSON.stringify({
      event: 'endpoint.url_validation',
      payload: { plainToken: 'pt-1' },
    });
    const ts = String(nowSeconds());
    const signature = `v0=${createHmac('sha256', 'zst').update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await send('zoom', {
      body,
      headers: { 'x-zm-request-timestamp': ts, 'x-zm-signature': signature },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      plainToken: 'pt-1',
      encryptedToken: createHmac('sha256', 'zst').update('pt-1').digest('hex'),
    });
  });

  it('echoes a Microsoft Graph validationToken as text/plain', async () => {
    await createSource({
      slug: 'graph',
      verification: { type: 'shared_secret', header: 'X-Token', secrets: ['x'] },
    });
    const res = await send('graph', {
      path: '?validationToken=Validation%3A%20Testing%20reachability',
      body: '',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Validation: Testing reachability');
  });
});

describe('source rules', () => {
  it('answers with the custom response, event id filled in', async () => {
    await createSource({
      slug: 'custom',
      response: {
        statusCode: 200,
        contentType: 'application/xml',
        body: '<ok id="{{event.id}}"/>',
        headers: { 'X-Ack': 'yes' },
      },
    });
    const res = await send('custom', { body: '<a/>' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml');
    expect(res.headers.get('x-ack')).toBe('yes');
    const text = await res.text();
    const id = /id="([0-9a-f-]{36})"/.exec(text)?.[1];
    expect(await countEvents('id = $1', [id])).toBe(1);
  });

  it('limits the rate per source with 429 and Retry-After, off by default', async () => {
    await createSource({ slug: 'limited', rateLimitPerSecond: 3 });
    await createSource({ slug: 'free' });
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => send('limited', { body: '{}' }).then((r) => r)),
    );
    const limited = statuses.filter((r) => r.status === 429);
    expect(statuses.filter((r) => r.status === 202)).toHaveLength(3);
    expect(limited).toHaveLength(5);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const free = await Promise.all(Array.from({ length: 20 }, () => send('free', { body: '{}' })));
    expect(free.every((r) => r.status === 202)).toBe(true);
  });
});

describe('rate limits on Redis', () => {
  it('count from the first request, even when another Redis command goes in the same tick', async () => {
    // A client as the app makes it (auto-pipelined), on which no limiter was made yet.
    const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', {
      enableAutoPipelining: true,
    });
    try {
      await redis.ping();
      const config = { redisPrefix: `hytest-rl-${process.pid}` } as AppConfig;
      const limiter = new RateLimiter(redis, config);
      // An auto-pipelined command first, then the first consumes, all in one tick.
      const published = redis.publish('hytest-rl-nobody', 'x');
      const waits = await Promise.all(
        Array.from({ length: 5 }, () => limiter.consume('ingest', 'first-tick', 3)),
      );
      await published;
      expect(waits.filter((w) => w === null)).toHaveLength(3);
      expect(waits.filter((w) => w !== null && w > 0)).toHaveLength(2);
    } finally {
      await redis.quit();
    }
  });
});

describe('IP allowlist', () => {
  it('refuses an address outside the list with 403 and records why', async () => {
    await createSource({ slug: 'inside', allowedIps: ['127.0.0.0/8'] });
    await createSource({ slug: 'outside', allowedIps: ['192.0.2.0/24', '2001:db8::/32'] });
    expect((await send('inside', { body: '{}' })).status).toBe(202);
    const res = await send('outside', { body: '{}' });
    expect(res.status).toBe(403);
    const row = await withDb(
      async (c) =>
        (await c.query(`SELECT rejection FROM events WHERE status = 'rejected'`)).rows[0],
    );
    expect(row.rejection.code).toBe('ip_not_allowed');
    expect(row.rejection.message).toContain('127.0.0.1');
  });

  it('trusts X-Forwarded-For only when HOOKYARD_TRUST_PROXY is set', async () => {
    await createSource({ slug: 'fwd', allowedIps: ['192.0.2.10'] });
    const forwarded = { 'x-forwarded-for': '192.0.2.10' };
    expect((await send('fwd', { body: '{}', headers: forwarded })).status).toBe(403);
    const proxied = await startServer({ HOOKYARD_TRUST_PROXY: '127.0.0.1' });
    try {
      const res = await fetch(`${proxied.url}/in/fwd`, {
        method: 'POST',
        headers: forwarded,
        body: '{}',
      });
      expect(res.status).toBe(202);
    } finally {
      await proxied.close();
    }
  });
});
