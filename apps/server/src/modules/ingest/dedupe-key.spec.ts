import { dedupeKey } from './dedupe-key';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const empty = Buffer.alloc(0);

describe('dedupeKey', () => {
  describe('auto', () => {
    const auto = { mode: 'auto' } as const;

    it.each([
      ['webhook-id', { 'webhook-id': 'msg_1' }, 'msg_1'],
      ['svix-id', { 'svix-id': 'msg_2' }, 'msg_2'],
      ['X-GitHub-Delivery', { 'x-github-delivery': 'gh-1' }, 'gh-1'],
      ['X-Shopify-Webhook-Id', { 'x-shopify-webhook-id': 'shop-1' }, 'shop-1'],
    ])('takes %s', (_name, headers, key) => {
      expect(dedupeKey(auto, headers, empty)).toBe(key);
    });

    it("takes Stripe's event id only from a Stripe-signed request", () => {
      const body = json({ id: 'evt_1', object: 'event' });
      expect(dedupeKey(auto, { 'stripe-signature': 't=1,v1=a' }, body)).toBe('evt_1');
      expect(dedupeKey(auto, {}, body)).toBeNull();
      expect(dedupeKey(auto, { 'stripe-signature': 't=1' }, json({ id: 'cus_1' }))).toBeNull();
    });

    it("takes Slack's event_id from a Slack-signed request", () => {
      expect(dedupeKey(auto, { 'x-slack-signature': 'v0=a' }, json({ event_id: 'Ev1' }))).toBe(
        'Ev1',
      );
    });

    it('has no key for an ordinary request, a blank header or a broken body', () => {
      expect(dedupeKey(auto, {}, json({ id: 'evt_1' }))).toBeNull();
      expect(dedupeKey(auto, { 'webhook-id': '  ' }, empty)).toBeNull();
      expect(dedupeKey(auto, { 'stripe-signature': 'x' }, Buffer.from('{"id":'))).toBeNull();
    });
  });

  it('reads a configured header, case-insensitively, and the first of a repeated one', () => {
    const rule = { mode: 'header', header: 'X-Request-Id' } as const;
    expect(dedupeKey(rule, { 'x-request-id': 'r1' }, empty)).toBe('r1');
    expect(dedupeKey(rule, { 'x-request-id': ['r2', 'r3'] }, empty)).toBe('r2');
    expect(dedupeKey(rule, { 'webhook-id': 'w' }, empty)).toBeNull();
  });

  it('reads a dotted body path to a string or number', () => {
    const rule = { mode: 'body_path', path: 'data.object.id' } as const;
    expect(dedupeKey(rule, {}, json({ data: { object: { id: 7 } } }))).toBe('7');
    expect(dedupeKey(rule, {}, json({ data: { object: { id: { nested: true } } } }))).toBeNull();
    expect(dedupeKey(rule, {}, json({ data: null }))).toBeNull();
  });

  it('is off when asked', () => {
    expect(dedupeKey({ mode: 'off' }, { 'webhook-id': 'msg_1' }, empty)).toBeNull();
  });

  it('hashes keys too long for the index', () => {
    const key = dedupeKey({ mode: 'auto' }, { 'webhook-id': 'x'.repeat(1000) }, empty);
    expect(key).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
