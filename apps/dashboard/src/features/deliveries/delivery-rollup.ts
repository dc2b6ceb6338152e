import type { DeliveryCounts, DeliveryStatus } from '@hookyard/contracts';

export interface Rollup {
  label: string;
  status: DeliveryStatus;
}

/**
 * One badge for all of an event's deliveries: the worst state wins (dead, then failing,
 * then pending), else how many were delivered.
 */
export function rollUp(counts: DeliveryCounts): Rollup | null {
  const { total } = counts;
  if (total === 0) return null;
  const of = (count: number) => (total > 1 ? `${count}/${total} ` : '');
  if (counts.dead > 0) return { status: 'dead', label: `${of(counts.dead)}dead` };
  if (counts.failed > 0) return { status: 'failed', label: `${of(counts.failed)}failing` };
  if (counts.pending > 0) return { status: 'scheduled', label: `${of(counts.pending)}pending` };
  if (counts.succeeded > 0) {
    return { status: 'succeeded', label: `${of(counts.succeeded)}delivered` };
  }
  return { status: 'cancelled', label: 'cancelled' };
}

type CountedAs = Exclude<keyof DeliveryCounts, 'total'>;

/** Where a delivery in this status is counted: scheduled and delivering are both pending. */
function countedAs(status: DeliveryStatus): CountedAs {
  return status === 'scheduled' || status === 'delivering' ? 'pending' : status;
}

export function tallyStatuses(statuses: DeliveryStatus[]): DeliveryCounts {
  const counts = { total: 0, pending: 0, succeeded: 0, failed: 0, dead: 0, cancelled: 0 };
  for (const status of statuses) {
    counts.total++;
    counts[countedAs(status)]++;
  }
  return counts;
}

/**
 * The counts after one delivery went `from` one status (`new`: it did not exist) `to` another;
 * null when they cannot hold that change (they have no delivery in the `from` state).
 */
export function moveCount(
  counts: DeliveryCounts,
  from: DeliveryStatus | 'new',
  to: DeliveryStatus,
): DeliveryCounts | null {
  const into = countedAs(to);
  if (from === 'new') return { ...counts, total: counts.total + 1, [into]: counts[into] + 1 };
  const out = countedAs(from);
  if (out === into) return counts;
  if (counts[out] === 0) return null;
  return { ...counts, [out]: counts[out] - 1, [into]: counts[into] + 1 };
}
