import { createHash } from 'node:crypto';
import type { DedupeRule } from '@hookyard/contracts';
import type { IncomingHeaders } from '@hookyard/signatures';
import { valueAtPath } from '../../common/json-path';

/** Provider delivery ids, in the order they are tried by the `auto` rule. */
const AUTO_HEADERS = ['webhook-id', 'svix-id', 'x-github-delivery', 'x-shopify-webhook-id'];
const MAX_KEY_LENGTH = 256;

function header(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first !== undefined && first.trim() !== '' ? first.trim() : undefined;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0 || body.length > 1024 * 1024 || body[0] !== 0x7b /* { */) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function normalise(key: string): string {
  return key.length <= MAX_KEY_LENGTH
    ? key
    : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * The key that makes a retried delivery a duplicate, or null when the request has none.
 * `auto`: Standard Webhooks/Svix `webhook-id`, GitHub `X-GitHub-Delivery`, Shopify
 * `X-Shopify-Webhook-Id`, Stripe's event id (`evt_…` in the body of a request
 * carrying `Stripe-Signature`) and Slack's `event_id` (Slack retries carry the same one).
 */
export function dedupeKey(rule: DedupeRule, headers: IncomingHeaders, body: Buffer): string | null {
  switch (rule.mode) {
    case 'off':
      return null;
    case 'header': {
      const value = header(headers, rule.header);
      return value === undefined ? null : normalise(value);
    }
    case 'body_path': {
      const value = valueAtPath(parseJson(body), rule.path);
      return typeof value === 'string' || typeof value === 'number'
        ? normalise(String(value))
        : null;
    }
    case 'auto': {
      for (const name of AUTO_HEADERS) {
        const value = header(headers, name);
        if (value !== undefined) return normalise(value);
      }
      if (header(headers, 'stripe-signature') !== undefined) {
        const id = valueAtPath(parseJson(body), 'id');
        if (typeof id === 'string' && id.startsWith('evt_')) return normalise(id);
      }
      if (header(headers, 'x-slack-signature') !== undefined) {
        const id = valueAtPath(parseJson(body), 'event_id');
        if (typeof id === 'string') return normalise(id);
      }
      return null;
    }
  }
}
