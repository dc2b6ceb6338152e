import { Injectable } from '@nestjs/common';

/** A CLI whose stream refreshed `cli_last_seen_at` this recently counts as connected. */
export const CLI_SEEN_WITHIN_MS = 30_000;
/** How often an open stream refreshes `cli_last_seen_at`: well inside the window above. */
export const CLI_HEARTBEAT_MS = 10_000;

/**
 * Whether a CLI destination's stream is open. This process knows its own streams exactly;
 * of the others it knows what they write: an open stream refreshes `cli_last_seen_at` every
 * 10 s, so a CLI seen within 30 s is connected. A stream closed here writes the time it
 * closed, and is offline at once unless another process has seen the CLI since; one closed
 * in another process shows offline here within 30 s.
 */
@Injectable()
export class CliPresence {
  private readonly open = new Map<string, number>();
  /** The `cli_last_seen_at` written when this process's last stream of a destination closed. */
  private readonly closedAt = new Map<string, number>();

  opened(destinationId: string): void {
    this.open.set(destinationId, (this.open.get(destinationId) ?? 0) + 1);
  }

  /** `lastSeenAt`: what the close wrote to `cli_last_seen_at` (null when it could not). */
  closed(destinationId: string, lastSeenAt: Date | null): void {
    const left = (this.open.get(destinationId) ?? 1) - 1;
    if (left > 0) {
      this.open.set(destinationId, left);
      return;
    }
    this.open.delete(destinationId);
    if (lastSeenAt) this.closedAt.set(destinationId, lastSeenAt.getTime());
  }

  connected(destinationId: string, lastSeenAt: Date | null, now = Date.now()): boolean {
    if (this.open.has(destinationId)) return true;
    if (!lastSeenAt) return false;
    const closedAt = this.closedAt.get(destinationId);
    if (closedAt !== undefined && lastSeenAt.getTime() <= closedAt) return false;
    return now - lastSeenAt.getTime() < CLI_SEEN_WITHIN_MS;
  }
}
