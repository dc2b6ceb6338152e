import { isUtf8 } from 'node:buffer';
import type {
  DeliveryCounts,
  DeliverySummary,
  EventResponse,
  EventSummary,
} from '@hookyard/contracts';
import type { DeliveryEntity } from '../deliveries/delivery.entity';
import type { HeaderPairs } from './event.entity';
import type { EventListRow, EventRow } from './events.repository';

/** No deliveries at all: a rejected request, a handshake, or no connection matched. */
export const NO_DELIVERIES: DeliveryCounts = {
  total: 0,
  pending: 0,
  succeeded: 0,
  failed: 0,
  dead: 0,
  cancelled: 0,
};

export function toEventSummary(e: EventListRow): EventSummary {
  return { ...eventFields(e), deliveryCounts: e.deliveryCounts };
}

function eventFields(e: EventRow): Omit<EventSummary, 'deliveryCounts'> {
  return {
    id: e.id,
    sourceId: e.sourceId,
    method: e.method,
    path: e.path,
    query: e.query,
    contentType: e.contentType,
    size: e.size,
    sourceIp: e.sourceIp,
    receivedAt: e.receivedAt.toISOString(),
    status: e.status,
    verified: e.status === 'accepted',
    rejectionReason: e.rejection?.message ?? null,
    handshake: e.handshake,
    dedupeKey: e.dedupeKey,
  };
}

/** Repeated headers are joined with ", " (RFC 9110 §5.3), names keep the sender's casing. */
export function headersObject(pairs: HeaderPairs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) {
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
}

function toDeliverySummary(d: DeliveryEntity): DeliverySummary {
  return {
    id: d.id,
    destinationId: d.destinationId,
    status: d.status,
    attempts: d.attemptCount,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    lastStatusCode: d.lastStatusCode,
  };
}

export function toEventResponse(
  e: EventRow & { headers: HeaderPairs; body: Buffer },
  deliveries: DeliveryEntity[],
): EventResponse {
  const utf8 = isUtf8(e.body);
  return {
    ...eventFields(e),
    headers: headersObject(e.headers),
    body: e.body.toString(utf8 ? 'utf8' : 'base64'),
    bodyEncoding: utf8 ? 'utf8' : 'base64',
    rejection: e.rejection,
    deliveries: deliveries.map(toDeliverySummary),
  };
}
