import { DEFAULT_RETRY_POLICY } from '@hookyard/contracts';
import { nextRetryDelayMs, parseRetryAfter, retryDelayMs } from './retry-schedule';

const policy = { ...DEFAULT_RETRY_POLICY };
const middle = () => 0.5; // no jitter
const now = new Date('2026-11-23T12:00:00Z');

describe('retryDelayMs', () => {
  it('grows ×4 from the initial delay up to the maximum (the documented default schedule)', () => {
    const delays = Array.from({ length: 8 }, (_, i) => retryDelayMs(policy, i + 1, middle));
    expect(delays).toEqual([
      10_000, 40_000, 160_000, 640_000, 2_560_000, 10_240_000, 40_960_000, 43_200_000,
    ]);
    const total = delays.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(24);
    expect(total / 3_600_000).toBeLessThan(48);
  });

  it('jitters by at most ±20 %', () => {
    expect(retryDelayMs(policy, 2, () => 0)).toBe(32_000);
    expect(retryDelayMs(policy, 2, () => 0.999999)).toBe(48_000);
  });

  it('never exceeds the maximum, even with jitter', () => {
    expect(retryDelayMs(policy, 20, () => 0.999999)).toBe(policy.maxDelayMs);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('is honoured on 429 and 503, capped at the maximum delay, and ignored otherwise', () => {
    expect(nextRetryDelayMs(policy, 1, { statusCode: 429, retryAfter: '30' }, now, middle)).toBe(
      30_000,
    );
    expect(
      nextRetryDelayMs(policy, 1, { statusCode: 503, retryAfter: '999999' }, now, middle),
    ).toBe(policy.maxDelayMs);
    expect(nextRetryDelayMs(policy, 1, { statusCode: 500, retryAfter: '30' }, now, middle)).toBe(
      10_000,
    );
    expect(nextRetryDelayMs(policy, 1, { statusCode: 429 }, now, middle)).toBe(10_000);
  });
});
