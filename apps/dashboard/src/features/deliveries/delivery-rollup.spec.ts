import type { DeliveryCounts } from '@hookyard/contracts';
import { moveCount, rollUp, tallyStatuses } from './delivery-rollup';

const counts = (c: Partial<Omit<DeliveryCounts, 'total'>>): DeliveryCounts => {
  const byStatus = { pending: 0, succeeded: 0, failed: 0, dead: 0, cancelled: 0, ...c };
  const total = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
  return { total, ...byStatus };
};

describe('rollUp', () => {
  it('shows the worst state first', () => {
    expect(rollUp(counts({ succeeded: 1, dead: 1, failed: 1 }))).toEqual({
      status: 'dead',
      label: '1/3 dead',
    });
    expect(rollUp(counts({ succeeded: 1, failed: 1 }))).toEqual({
      status: 'failed',
      label: '1/2 failing',
    });
    expect(rollUp(counts({ succeeded: 1, pending: 1 }))).toEqual({
      status: 'scheduled',
      label: '1/2 pending',
    });
  });

  it('counts deliveries when all went through, and nothing when there are none', () => {
    expect(rollUp(counts({ succeeded: 1 }))).toEqual({ status: 'succeeded', label: 'delivered' });
    expect(rollUp(counts({ succeeded: 2 }))).toEqual({
      status: 'succeeded',
      label: '2/2 delivered',
    });
    expect(rollUp(counts({ cancelled: 1 }))).toEqual({ status: 'cancelled', label: 'cancelled' });
    expect(rollUp(counts({}))).toBeNull();
  });
});

describe('tallyStatuses', () => {
  it('counts scheduled and delivering as pending', () => {
    expect(tallyStatuses(['scheduled', 'delivering', 'dead', 'succeeded', 'succeeded'])).toEqual(
      counts({ pending: 2, dead: 1, succeeded: 2 }),
    );
    expect(tallyStatuses([])).toEqual(counts({}));
  });
});

describe('moveCount', () => {
  it('moves one delivery from its old state to its new one', () => {
    expect(moveCount(counts({ pending: 2 }), 'scheduled', 'failed')).toEqual(
      counts({ pending: 1, failed: 1 }),
    );
    expect(moveCount(counts({ failed: 1 }), 'failed', 'dead')).toEqual(counts({ dead: 1 }));
  });

  it('adds a new delivery, and leaves the counts alone within one state', () => {
    expect(moveCount(counts({ succeeded: 1 }), 'new', 'scheduled')).toEqual(
      counts({ succeeded: 1, pending: 1 }),
    );
    const pending = counts({ pending: 1 });
    expect(moveCount(pending, 'scheduled', 'delivering')).toBe(pending);
  });

  it('refuses a change the counts cannot hold', () => {
    expect(moveCount(counts({ succeeded: 1 }), 'failed', 'succeeded')).toBeNull();
  });
});
