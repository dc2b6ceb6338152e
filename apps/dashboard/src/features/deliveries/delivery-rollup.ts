import type { DeliveryStatus } from '@hookyard/contracts';

export interface Rollup {
  label: string;
  status: DeliveryStatus;
}

/**
 * One badge for all of an event's deliveries: the worst state wins (dead, then failing,
 * then in progress), else how many were delivered.
 */
export function rollUp(statuses: DeliveryStatus[]): Rollup | null {
  if (statuses.length === 0) return null;
  const n = (s: DeliveryStatus) => statuses.filter((x) => x === s).length;
  const total = statuses.length;
  const of = (count: number) => (total > 1 ? `${count}/${total} ` : '');
  if (n('dead') > 0) return { status: 'dead', label: `${of(n('dead'))}dead` };
  if (n('failed') > 0) return { status: 'failed', label: `${of(n('failed'))}failing` };
  const pending = n('scheduled') + n('delivering');
  if (pending > 0) {
    return {
      status: n('delivering') > 0 ? 'delivering' : 'scheduled',
      label: `${of(pending)}pending`,
    };
  }
  if (n('succeeded') > 0) return { status: 'succeeded', label: `${of(n('succeeded'))}delivered` };
  return { status: 'cancelled', label: 'cancelled' };
}
