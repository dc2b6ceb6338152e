import { randomUUID } from 'node:crypto';
import { headerValue } from './headers';
import {
  GITHUB_LEGACY_SIGNATURE_HEADER,
  GITHUB_SIGNATURE_HEADER,
  signGithub,
} from './schemes/github';
import { SHOPIFY_SIGNATURE_HEADER, signShopify } from './schemes/shopify';
import { SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, signSlack } from './schemes/slack';
import { signStandardWebhook, standardWebhooksHeaderNames } from './schemes/standard-webhooks';
import { signStripe, STRIPE_SIGNATURE_HEADER } from './schemes/stripe';

/** The provider schemes a stored request can be signed again with (`hookyard replay --resign`). */
export const RESIGN_SCHEMES = [
  'github',
  'stripe',
  'shopify',
  'slack',
  'standard_webhooks',
] as const;
export type ResignScheme = (typeof RESIGN_SCHEMES)[number];

export interface ResignInput {
  /** The stored request's headers, names as the provider sent them. */
  headers: Readonly<Record<string, string>>;
  /** The stored body, exactly as received. */
  body: Uint8Array;
  secret: string;
  /** Defaults to the current time; tests pass a fixed clock. */
  now?: Date;
}

/**
 * The stored request's headers with the provider's signature (and timestamp) computed afresh
 * over the stored body at `now`, as the provider would sign it today: a replay then passes a
 * verifier that checks the signature and its age. Every other header is kept, in order and
 * with its casing; a replaced header keeps the name the provider gave it.
 *
 * A Standard Webhooks message keeps its `webhook-id` (or `svix-id`), which identifies the
 * message, and gets a new one only when it had none. GitHub's legacy `X-Hub-Signature`
 * (SHA-1) is dropped: it could no longer match, and GitHub's receivers check the SHA-256 one.
 *
 * Throws when the secret cannot be one of the scheme's (Standard Webhooks: `whsec_` + base64).
 */
export function resignHeaders(scheme: ResignScheme, input: ResignInput): Record<string, string> {
  const timestamp = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const { headers, body, secret } = input;
  switch (scheme) {
    case 'github':
      return replaceHeaders(headers, { [GITHUB_SIGNATURE_HEADER]: signGithub({ secret, body }) }, [
        GITHUB_LEGACY_SIGNATURE_HEADER,
      ]);
    case 'stripe':
      return replaceHeaders(headers, {
        [STRIPE_SIGNATURE_HEADER]: signStripe({ secret, timestamp, body }),
      });
    case 'shopify':
      return replaceHeaders(headers, { [SHOPIFY_SIGNATURE_HEADER]: signShopify({ secret, body }) });
    case 'slack':
      return replaceHeaders(headers, {
        [SLACK_TIMESTAMP_HEADER]: String(timestamp),
        [SLACK_SIGNATURE_HEADER]: signSlack({ secret, timestamp, body }),
      });
    case 'standard_webhooks': {
      const names = standardWebhooksHeaderNames(headers);
      const id = headerValue(headers, names.id)?.trim() || `msg_${randomUUID()}`;
      return replaceHeaders(headers, {
        [names.id]: id,
        [names.timestamp]: String(timestamp),
        [names.signature]: signStandardWebhook({ secret, id, timestamp, body }),
      });
    }
  }
}

/**
 * `headers` with each of `replacements` set, names compared without case: a present header
 * keeps its place and casing, a new one is appended. Headers named in `removals` are dropped.
 */
function replaceHeaders(
  headers: Readonly<Record<string, string>>,
  replacements: Record<string, string>,
  removals: readonly string[] = [],
): Record<string, string> {
  const pending = new Map(
    Object.entries(replacements).map(([name, value]) => [name.toLowerCase(), { name, value }]),
  );
  // A replaced name is dropped from here on too: a second spelling must not keep a stale value.
  const dropped = new Set(removals.map((name) => name.toLowerCase()));
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (dropped.has(lower)) continue;
    const replacement = pending.get(lower);
    if (replacement === undefined) {
      result[name] = value;
      continue;
    }
    result[name] = replacement.value;
    pending.delete(lower);
    dropped.add(lower);
  }
  for (const { name, value } of pending.values()) result[name] = value;
  return result;
}
