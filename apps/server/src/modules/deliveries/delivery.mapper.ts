import { isUtf8 } from 'node:buffer';
import type {
  AttemptResponse,
  DeliveryDetailResponse,
  DeliveryResponse,
} from '@hookyard/contracts';
import type { AttemptEntity } from './attempt.entity';
import type { DeliveryEntity } from './delivery.entity';

export function toDeliveryResponse(d: DeliveryEntity): DeliveryResponse {
  return {
    id: d.id,
    eventId: d.eventId,
    destinationId: d.destinationId,
    url: d.url,
    status: d.status,
    attemptCount: d.attemptCount,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    lastStatusCode: d.lastStatusCode,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export function toAttemptResponse(a: AttemptEntity): AttemptResponse {
  const utf8 = a.responseBody ? isUtf8(a.responseBody) : false;
  return {
    n: a.n,
    at: a.at.toISOString(),
    url: a.url,
    requestHeaders: a.requestHeaders,
    statusCode: a.statusCode,
    durationMs: a.durationMs,
    error: a.error,
    errorKind: a.errorKind,
    responseHeaders: a.responseHeaders,
    responseBody: a.responseBody ? a.responseBody.toString(utf8 ? 'utf8' : 'base64') : null,
    responseBodyEncoding: a.responseBody ? (utf8 ? 'utf8' : 'base64') : null,
  };
}

export function toDeliveryDetail(
  d: DeliveryEntity,
  attempts: AttemptEntity[],
): DeliveryDetailResponse {
  return { ...toDeliveryResponse(d), attempts: attempts.map(toAttemptResponse) };
}
