import { rollUp } from './delivery-rollup';

describe('rollUp', () => {
  it('shows the worst state first', () => {
    expect(rollUp(['succeeded', 'dead', 'failed'])).toEqual({ status: 'dead', label: '1/3 dead' });
    expect(rollUp(['succeeded', 'failed'])).toEqual({ status: 'failed', label: '1/2 failing' });
    expect(rollUp(['succeeded', 'scheduled'])).toEqual({
      status: 'scheduled',
      label: '1/2 pending',
    });
  });

  it('counts deliveries when all went through, and nothing when there are none', () => {
    expect(rollUp(['succeeded'])).toEqual({ status: 'succeeded', label: 'delivered' });
    expect(rollUp(['succeeded', 'succeeded'])).toEqual({
      status: 'succeeded',
      label: '2/2 delivered',
    });
    expect(rollUp(['cancelled'])).toEqual({ status: 'cancelled', label: 'cancelled' });
    expect(rollUp([])).toBeNull();
  });
});
