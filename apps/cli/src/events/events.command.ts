import type { DeliveryCounts, EventSummary, Page } from '@hookyard/contracts';
import type { ApiClient } from '../api/api-client';
import { formatTable, printJson, printLine, printStatus } from '../output';
import { fetchSources, findSource } from '../sources/sources.command';

/** `2 ok, 1 failed`: an event's deliveries, the states it has. */
export function describeDeliveries(counts: DeliveryCounts): string {
  const parts = [
    [counts.succeeded, 'ok'],
    [counts.pending, 'pending'],
    [counts.failed, 'failed'],
    [counts.dead, 'dead'],
    [counts.cancelled, 'cancelled'],
  ] as const;
  const text = parts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
  return text === '' ? '-' : text;
}

/** `2024-06-01 14:02:11`, local time. */
function localTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** `hookyard events [--source] [--limit]`: the most recent events, newest first. */
export async function listEvents(
  api: ApiClient,
  options: { source?: string; limit: number; json?: boolean },
): Promise<void> {
  const sourceId =
    options.source === undefined ? undefined : (await findSource(api, options.source)).id;
  const page = await api.get<Page<EventSummary>>('/api/v1/events', {
    limit: options.limit,
    sourceId,
  });
  if (options.json) return printJson(page.data);
  if (page.data.length === 0) return printStatus('No events yet');
  const slugs = new Map((await fetchSources(api)).data.map((s) => [s.id, s.slug]));
  printLine(
    formatTable(
      ['RECEIVED', 'EVENT ID', 'SOURCE', 'REQUEST', 'STATUS', 'DELIVERIES'],
      page.data.map((e) => [
        localTime(e.receivedAt),
        e.id,
        e.sourceId === null ? '-' : (slugs.get(e.sourceId) ?? e.sourceId),
        `${e.method} ${e.path || '/'}${e.query ? `?${e.query}` : ''}`,
        e.status === 'rejected' ? `rejected (${e.rejectionReason ?? 'unknown'})` : e.status,
        describeDeliveries(e.deliveryCounts),
      ]),
    ),
  );
}
