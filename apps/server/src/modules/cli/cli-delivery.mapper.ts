import type { MessageEvent } from '@nestjs/common';
import type { CliDelivery } from '@hookyard/contracts';
import type { ClaimedDelivery } from '../deliveries/deliveries.repository';

/** The SSE event name of a delivery on a CLI's stream. */
export const CLI_DELIVERY_EVENT = 'delivery';

/** The SSE `id` of an attempt: `<deliveryId>:<attempt>`, what `Last-Event-ID` names back. */
export const cliEventId = (deliveryId: string, attempt: number) => `${deliveryId}:${attempt}`;

export function parseCliEventId(
  value: string | undefined,
): { deliveryId: string; attempt: number } | null {
  const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(\d{1,6})$/i.exec(
    value?.trim() ?? '',
  );
  return match ? { deliveryId: match[1].toLowerCase(), attempt: Number(match[2]) } : null;
}

/**
 * A leased attempt as its CLI receives it: the request as the provider sent it (an edited
 * replay's headers and body instead), the path after `/in/<slug>` (`` for none).
 */
export function toCliDelivery(
  { delivery, event }: ClaimedDelivery,
  respondBy: Date | null,
): CliDelivery {
  return {
    deliveryId: delivery.id,
    attempt: delivery.attemptCount + 1,
    eventId: event.id,
    method: event.method,
    path: event.path === '/' ? '' : event.path,
    query: event.query,
    headers: delivery.overrideHeaders ? Object.entries(delivery.overrideHeaders) : event.headers,
    body: (delivery.overrideBody ?? event.body).toString('base64'),
    receivedAt: event.receivedAt.toISOString(),
    respondBy: respondBy?.toISOString() ?? null,
  };
}

export function toCliMessage(claimed: ClaimedDelivery, respondBy: Date | null): MessageEvent {
  const data = toCliDelivery(claimed, respondBy);
  return { type: CLI_DELIVERY_EVENT, id: cliEventId(data.deliveryId, data.attempt), data };
}
