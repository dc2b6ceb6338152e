import { statsWindow } from './stats-window';

describe('statsWindow', () => {
  const now = new Date('2025-03-10T10:17:42.000Z');

  it.each([
    ['1h', '2025-03-10T09:15:00.000Z', 300],
    ['24h', '2025-03-09T10:00:00.000Z', 3600],
    ['7d', '2025-03-03T06:00:00.000Z', 21600],
    ['30d', '2025-02-08T00:00:00.000Z', 86400],
  ] as const)(
    'starts %s back at the boundary of the bucket holding that time',
    (range, since, bucketSeconds) => {
      expect(statsWindow(range, now)).toEqual({
        since: new Date(since),
        until: now,
        bucketSeconds,
      });
    },
  );

  it('starts exactly one range back when that time is on a bucket boundary', () => {
    const onBoundary = new Date('2025-03-10T10:00:00.000Z');
    expect(statsWindow('24h', onBoundary).since).toEqual(new Date('2025-03-09T10:00:00.000Z'));
  });
});
