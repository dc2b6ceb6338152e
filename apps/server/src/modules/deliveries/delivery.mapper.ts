import { isUtf8 } from 'node:buffer';
import type {
  AttemptResponse,
  DeliveryDetailResponse,
  DeliveryResponse,
  ReplayOverride,
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
    edited: d.edited,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

/** UTF-8 text, or base64 when the bytes are not valid UTF-8. */
function bodyText(body: Buffer): { text: string; encoding: 'utf8' | 'base64' } {
  const encoding = isUtf8(body) ? 'utf8' : 'base64';
  return { text: body.toString(encoding), encoding };
}

export function toAttemptResponse(a: AttemptEntity): AttemptResponse {
  const body = a.responseBody ? bodyText(a.responseBody) : null;
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
    responseBody: body?.text ?? null,
    responseBodyEncoding: body?.encoding ?? null,
  };
}

export function toReplayOverride(o: {
  headers: Record<string, string> | null;
  body: Buffer | null;
}): ReplayOverride {
  const body = o.body ? bodyText(o.body) : null;
  return { headers: o.headers, body: body?.text ?? null, bodyEncoding: body?.encoding ?? null };
}

export function toDeliveryDetail(
  d: DeliveryEntity,
  attempts: AttemptEntity[],
  override: ReplayOverride | null,
): DeliveryDetailResponse {
  return { ...toDeliveryResponse(d), attempts: attempts.map(toAttemptResponse), override };
}
