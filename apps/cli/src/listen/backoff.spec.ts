import { formatDelay, reconnectDelay, RECONNECT_MAX_MS, RECONNECT_MIN_MS } from './backoff';

describe('reconnectDelay', () => {
  it('doubles from 0.5 s up to 15 s', () => {
    const middle = () => 0.5; // no jitter
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => reconnectDelay(n, middle))).toEqual([
      500, 1000, 2000, 4000, 8000, 15000, 15000, 15000,
    ]);
  });

  it('jitters by ±20% without leaving 0.5–15 s', () => {
    expect(reconnectDelay(2, () => 0)).toBe(1600);
    expect(reconnectDelay(2, () => 1)).toBe(2400);
    expect(reconnectDelay(0, () => 0)).toBe(RECONNECT_MIN_MS);
    expect(reconnectDelay(9, () => 1)).toBe(RECONNECT_MAX_MS);
  });
});

describe('formatDelay', () => {
  it.each([
    [500, '0.5 s'],
    [2000, '2 s'],
    [1730, '1.7 s'],
    [12_400, '12 s'],
  ])('%i ms → %s', (ms, text) => expect(formatDelay(ms)).toBe(text));
});
