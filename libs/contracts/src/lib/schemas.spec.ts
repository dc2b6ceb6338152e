import { createConnectionSchema } from './connections';
import { createDestinationSchema, DEFAULT_RETRY_POLICY } from './destinations';
import { MAX_REPLAY_HEADERS, replaySchema } from './deliveries';
import { createSourceSchema, DEFAULT_MAX_BODY_BYTES } from './sources';

describe('createSourceSchema', () => {
  it('fills the documented defaults', () => {
    expect(createSourceSchema.parse({ name: 'GitHub', slug: 'gh' })).toEqual({
      name: 'GitHub',
      slug: 'gh',
      verification: { type: 'none' },
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      dedupe: { mode: 'auto' },
      response: null,
      allowedIps: null,
      rateLimitPerSecond: null,
      handshake: {},
      passthrough: null,
    });
    expect(DEFAULT_MAX_BODY_BYTES).toBe(26_214_400);
  });

  it('takes a passthrough wait of 100 ms to 30 s', () => {
    const parse = (passthrough: unknown) =>
      createSourceSchema.safeParse({ name: 'Slack', slug: 'slack', passthrough }).success;
    expect(parse({ timeoutMs: 3000 })).toBe(true);
    expect(parse({ timeoutMs: 100 })).toBe(true);
    expect(parse({ timeoutMs: 30_000 })).toBe(true);
    expect(parse({ timeoutMs: 99 })).toBe(false);
    expect(parse({ timeoutMs: 30_001 })).toBe(false);
    expect(parse({ timeoutMs: 3000, extra: 1 })).toBe(false);
  });

  it('defaults an hmac rule to sha256 and hex', () => {
    const parsed = createSourceSchema.parse({
      name: 'H',
      slug: 'h',
      verification: { type: 'hmac', header: 'X-Sig', secrets: ['s'] },
    });
    expect(parsed.verification).toEqual({
      type: 'hmac',
      header: 'X-Sig',
      algorithm: 'sha256',
      encoding: 'hex',
      secrets: ['s'],
    });
  });

  it.each([
    [{ slug: 'Upper' }, 'slug'],
    [{ slug: '-lead' }, 'slug'],
    [{ verification: { type: 'github', secrets: [] } }, 'verification.secrets'],
    [{ verification: { type: 'github' } }, 'verification.secrets'],
    [{ verification: { type: 'rot13' } }, 'verification.type'],
    [{ verification: { type: 'none', secrets: ['x'] } }, 'verification'],
    [{ allowedIps: ['10.0.0.0/33'] }, 'allowedIps.0'],
    [{ extra: true }, ''],
  ])('refuses %j at %s', (change, path) => {
    const result = createSourceSchema.safeParse({ name: 'S', slug: 's', ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path.join('.')).toBe(path);
  });
});

describe('createDestinationSchema', () => {
  it('fills the documented retry defaults', () => {
    const parsed = createDestinationSchema.parse({
      name: 'CI',
      url: 'https://ci.example.com/hook',
    });
    expect(parsed.retry).toEqual(DEFAULT_RETRY_POLICY);
    expect(DEFAULT_RETRY_POLICY).toEqual({
      maxAttempts: 9,
      initialDelayMs: 10_000,
      maxDelayMs: 43_200_000,
    });
    expect(parsed).toMatchObject({
      timeoutMs: 10_000,
      paused: false,
      signingSecret: null,
      headers: {},
    });
  });

  it.each([
    [{ url: 'ftp://x.example.com' }, 'url'],
    [{ url: 'not a url' }, 'url'],
    [{ retry: { initialDelayMs: 5000, maxDelayMs: 1000 } }, 'retry.maxDelayMs'],
    [{ signingSecret: 's3cret' }, 'signingSecret'],
    [{ headers: { 'Bad Header': 'x' } }, 'headers.Bad Header'],
    [{ headers: { 'X-Ok': 'line\r\nbreak' } }, 'headers.X-Ok'],
  ])('refuses %j at %s', (change, path) => {
    const result = createDestinationSchema.safeParse({
      name: 'D',
      url: 'https://d.example.com',
      ...change,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path.join('.')).toBe(path);
  });
});

describe('connections and replays', () => {
  it('needs a rule in a non-null filter', () => {
    const ids = { sourceId: crypto.randomUUID(), destinationId: crypto.randomUUID() };
    expect(createConnectionSchema.safeParse({ ...ids, filter: {} }).success).toBe(false);
    expect(createConnectionSchema.parse(ids).filter).toBeNull();
  });

  it('replays to exactly one of a destination or a URL', () => {
    expect(replaySchema.safeParse({ url: 'http://localhost:9000/x' }).success).toBe(true);
    expect(replaySchema.safeParse({ destinationId: crypto.randomUUID() }).success).toBe(true);
    expect(replaySchema.safeParse({}).success).toBe(false);
    expect(
      replaySchema.safeParse({ url: 'http://a.example', destinationId: crypto.randomUUID() })
        .success,
    ).toBe(false);
    expect(replaySchema.safeParse({}).error?.issues[0].message).toBe(
      'needs exactly one of "destinationId" or "url"',
    );
  });

  it('takes edited headers and a text or base64 body', () => {
    const edit = {
      url: 'http://localhost:9000/x',
      headers: { 'Content-Type': 'text/plain', 'X-Empty': '' },
      body: 'aGk=',
      bodyEncoding: 'base64',
    };
    expect(replaySchema.parse(edit)).toEqual(edit);
    expect(replaySchema.safeParse({ url: 'http://a.example', body: 'not base64 ✓' }).success).toBe(
      true,
    );
  });

  it.each([
    [
      'a bad header name',
      { headers: { 'Bad Name': 'x' } },
      'headers.Bad Name',
      'must be a valid HTTP header name',
    ],
    [
      'a line break in a value',
      { headers: { 'X-Ok': 'line\r\nbreak' } },
      'headers.X-Ok',
      'must not contain line breaks',
    ],
    ['a name twice', { headers: { 'X-A': '1', 'x-a': '2' } }, 'headers', 'must not repeat a name'],
    [
      'too many headers',
      {
        headers: Object.fromEntries(
          Array.from({ length: MAX_REPLAY_HEADERS + 1 }, (_, i) => [`X-${i}`, '1']),
        ),
      },
      'headers',
      'must be at most 100 headers',
    ],
    [
      'too much header text',
      {
        headers: Object.fromEntries(
          Array.from({ length: 9 }, (_, i) => [`X-Big-${i}`, 'x'.repeat(8000)]),
        ),
      },
      'headers',
      'characters in all',
    ],
    [
      'a body that is not base64',
      { body: 'not base64!', bodyEncoding: 'base64' },
      'body',
      'must be valid base64',
    ],
    ['an unknown body encoding', { body: 'x', bodyEncoding: 'latin1' }, 'bodyEncoding', ''],
  ])('refuses %s', (_what, edit, path, message) => {
    const result = replaySchema.safeParse({ url: 'http://a.example', ...edit });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path.join('.')).toBe(path);
    expect(result.error?.issues[0].message).toContain(message);
  });
});
