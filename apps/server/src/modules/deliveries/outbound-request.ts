import { signStandardWebhook } from '@hookyard/signatures';
import type { HeaderPairs } from '../events/event.entity';
import { HOP_BY_HOP } from './http-sender';

const STANDARD_WEBHOOK_HEADERS = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
const SENSITIVE = /authorization|cookie|token|secret|api[-_]?key|password/i;

/**
 * The destination URL with the event's sub-path and query appended:
 * `http://ci/hook` + `/in/gh/build?x=1` → `http://ci/hook/build?x=1`.
 */
export function targetUrl(base: string, path: string, query: string): string {
  const url = new URL(base);
  if (path !== '/' && path !== '') url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  if (query !== '') url.search = url.search ? `${url.search}&${query}` : `?${query}`;
  return url.toString();
}

export interface OutboundHeadersInput {
  original: HeaderPairs;
  extra: Record<string, string>;
  eventId: string;
  deliveryId: string;
  attempt: number;
  signingSecret: string | null;
  body: Buffer;
  now: Date;
}

/**
 * What goes out: the provider's headers as received (hop-by-hop ones and any
 * `X-Hookyard-*` a sender tried to smuggle in dropped; repeats joined), the
 * destination's extra headers over them, Hookyard's ids, and a Standard Webhooks
 * signature when the destination has a secret. `recorded` is the same with the
 * destination's credentials masked, for the attempt log.
 */
export function outboundHeaders(input: OutboundHeadersInput): {
  headers: Record<string, string>;
  recorded: Record<string, string>;
} {
  const byName = new Map<string, [string, string]>();
  const set = (name: string, value: string) => byName.set(name.toLowerCase(), [name, value]);
  for (const [name, value] of input.original) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower.startsWith('x-hookyard-')) continue;
    if (input.signingSecret && STANDARD_WEBHOOK_HEADERS.has(lower)) continue;
    const existing = byName.get(lower);
    byName.set(lower, existing ? [existing[0], `${existing[1]}, ${value}`] : [name, value]);
  }
  const masked = new Set<string>();
  for (const [name, value] of Object.entries(input.extra)) {
    set(name, value);
    if (SENSITIVE.test(name)) masked.add(name.toLowerCase());
  }
  set('X-Hookyard-Event-Id', input.eventId);
  set('X-Hookyard-Delivery-Id', input.deliveryId);
  set('X-Hookyard-Attempt', String(input.attempt));
  if (input.signingSecret) {
    const id = `msg_${input.deliveryId}`;
    const timestamp = Math.floor(input.now.getTime() / 1000);
    set('webhook-id', id);
    set('webhook-timestamp', String(timestamp));
    set(
      'webhook-signature',
      signStandardWebhook({ secret: input.signingSecret, id, timestamp, body: input.body }),
    );
  }
  const headers: Record<string, string> = {};
  const recorded: Record<string, string> = {};
  for (const [lower, [name, value]] of byName) {
    headers[name] = value;
    recorded[name] = masked.has(lower) ? '[redacted]' : value;
  }
  return { headers, recorded };
}
