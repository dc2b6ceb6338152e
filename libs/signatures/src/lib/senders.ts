import { hasHeader } from './headers';
import type { IncomingHeaders, VerificationType } from './types';

/** Human names of the verification types, as messages use them. */
export const SCHEME_NAMES: Readonly<Record<VerificationType, string>> = {
  none: 'no verification',
  shared_secret: 'a shared secret',
  hmac: 'generic HMAC',
  github: 'GitHub',
  stripe: 'Stripe',
  shopify: 'Shopify',
  slack: 'Slack',
  standard_webhooks: 'Standard Webhooks',
};

interface KnownSender {
  /** Lower-case header that identifies the sender. */
  header: string;
  name: string;
  /** The preset that verifies it (a rule of this type does not call it foreign). */
  type?: VerificationType;
}

/** Signature headers that identify a sender, most specific first. */
const KNOWN_SENDERS: readonly KnownSender[] = [
  { header: 'stripe-signature', name: 'Stripe', type: 'stripe' },
  { header: 'x-hub-signature-256', name: 'GitHub (or Meta)', type: 'github' },
  { header: 'x-hub-signature', name: 'GitHub (or Meta)', type: 'github' },
  { header: 'x-shopify-hmac-sha256', name: 'Shopify', type: 'shopify' },
  { header: 'x-slack-signature', name: 'Slack', type: 'slack' },
  { header: 'webhook-signature', name: 'Standard Webhooks', type: 'standard_webhooks' },
  { header: 'svix-signature', name: 'Svix (Standard Webhooks)', type: 'standard_webhooks' },
  { header: 'x-zm-signature', name: 'Zoom' },
];

/** Names of headers that look like they carry a signature or a token (never their values). */
const SIGNATURE_LIKE = /sig|hmac|token|secret|auth|key/i;

/**
 * Why a signature header may be missing: the request carries another known
 * sender's signature, e.g. "this looks like a Stripe request: the source is set to GitHub".
 * For the generic schemes, the names of headers that look like signatures are listed.
 */
export function foreignSenderCause(
  headers: IncomingHeaders,
  type: VerificationType,
  expectedHeader: string,
): string | undefined {
  const sender = KNOWN_SENDERS.find(
    (known) =>
      known.type !== type &&
      known.header !== expectedHeader.toLowerCase() &&
      hasHeader(headers, known.header),
  );
  if (sender !== undefined) {
    return `This looks like a ${sender.name} request (it carries ${sender.header}): the source is set to ${SCHEME_NAMES[type]}.`;
  }
  if (type === 'hmac' || type === 'shared_secret') {
    const lookalikes = Object.keys(headers).filter(
      (name) => SIGNATURE_LIKE.test(name) && hasHeader(headers, name),
    );
    if (lookalikes.length > 0) {
      return `The request has no ${expectedHeader} header but carries ${lookalikes.join(', ')}: check the header name configured for this source.`;
    }
  }
  return undefined;
}
