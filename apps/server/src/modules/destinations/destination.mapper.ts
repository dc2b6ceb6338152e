import type { DestinationResponse } from '@hookyard/contracts';
import type { DestinationEntity } from './destination.entity';

export function toDestinationResponse(d: DestinationEntity): DestinationResponse {
  return {
    id: d.id,
    name: d.name,
    url: d.url,
    timeoutMs: d.timeoutMs,
    retry: d.retry,
    headers: d.headers,
    rateLimitPerSecond: d.rateLimitPerSecond,
    hasSigningSecret: d.signingSecret !== null,
    paused: d.paused,
    disabledAt: d.disabledAt?.toISOString() ?? null,
    disabledReason: d.disabledReason,
    consecutiveFailures: d.consecutiveFailures,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
