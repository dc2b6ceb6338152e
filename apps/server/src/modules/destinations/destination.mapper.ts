import type { DestinationResponse, RecentAttempts } from '@hookyard/contracts';
import type { DestinationEntity } from './destination.entity';
import type { AttemptTally } from './destinations.repository';

/** The window of a destination's recent success rate. */
export const RECENT_WINDOW_HOURS = 24;

export const NO_ATTEMPTS: AttemptTally = { attempts: 0, succeeded: 0, p50DurationMs: null };

function toRecentAttempts({ attempts, succeeded, p50DurationMs }: AttemptTally): RecentAttempts {
  return {
    windowHours: RECENT_WINDOW_HOURS,
    attempts,
    succeeded,
    successRate: attempts === 0 ? null : succeeded / attempts,
    p50DurationMs,
  };
}

/** `connected`: whether a CLI destination's stream is open now (see `CliPresence`). */
export function toDestinationResponse(
  d: DestinationEntity,
  recent: AttemptTally,
  connected = false,
): DestinationResponse {
  return {
    id: d.id,
    name: d.name,
    type: d.type,
    url: d.url,
    cli:
      d.type === 'cli'
        ? {
            listener: d.cliListener ?? '',
            forwardTo: d.url,
            connected,
            lastSeenAt: d.cliLastSeenAt?.toISOString() ?? null,
          }
        : null,
    timeoutMs: d.timeoutMs,
    retry: d.retry,
    headers: d.headers,
    rateLimitPerSecond: d.rateLimitPerSecond,
    hasSigningSecret: d.signingSecret !== null,
    paused: d.paused,
    disabledAt: d.disabledAt?.toISOString() ?? null,
    disabledReason: d.disabledReason,
    consecutiveFailures: d.consecutiveFailures,
    recentAttempts: toRecentAttempts(recent),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
