import type { CliDelivery } from '@hookyard/contracts';
import type { ForwardResult } from './forward';

export type Outcome = 'ok' | 'client_error' | 'failed';

/** 2xx is ok; 4xx is the local app refusing; 5xx, 3xx and no answer at all failed. */
export function outcomeOf(result: Pick<ForwardResult, 'statusCode'>): Outcome {
  const status = result.statusCode;
  if (status !== null && status >= 200 && status < 300) return 'ok';
  if (status !== null && status >= 400 && status < 500) return 'client_error';
  return 'failed';
}

/**
 * One line per forwarded request: time, source (when listening to several), method, path and
 * query, the local answer (status, or the error), duration and the event id, e.g.
 * `14:02:11  POST /orders?id=1  200  12 ms  3f0c…`.
 */
export function requestLine(input: {
  time: string;
  source?: string;
  delivery: Pick<CliDelivery, 'method' | 'path' | 'query' | 'eventId'>;
  result: Pick<ForwardResult, 'statusCode' | 'durationMs' | 'error'>;
  paint?: (text: string, outcome: Outcome) => string;
}): string {
  const { time, source, delivery, result } = input;
  const paint = input.paint ?? ((text: string) => text);
  const path = `${delivery.path || '/'}${delivery.query ? `?${delivery.query}` : ''}`;
  const answer =
    result.statusCode !== null
      ? String(result.statusCode)
      : `failed (${result.error?.message ?? 'no answer'})`;
  return [
    time,
    ...(source === undefined ? [] : [`[${source}]`]),
    `${delivery.method} ${path}`,
    paint(answer, outcomeOf(result)),
    `${result.durationMs} ms`,
    delivery.eventId,
  ].join('  ');
}
