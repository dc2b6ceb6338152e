import { Injectable } from '@nestjs/common';

/** A CLI whose stream refreshed `cli_last_seen_at` this recently counts as connected. */
export const CLI_SEEN_WITHIN_MS = 30_000;
/** How often an open stream refreshes `cli_last_seen_at`: well inside the window above. */
export const CLI_HEARTBEAT_MS = 10_000;

/**
 * Whether a CLI destination's stream is open. This process knows its own streams exactly; of
 * the others it knows what they write: `cli_streams` counts the open streams of every process
 * (one closed anywhere shows offline everywhere at once), and an open stream refreshes
 * `cli_last_seen_at` every 10 s, so a count left by a process that died stops counting 30 s
 * after its last heartbeat.
 */
@Injectable()
export class CliPresence {
  private readonly open = new Map<string, number>();

  opened(destinationId: string): void {
    this.open.set(destinationId, (this.open.get(destinationId) ?? 0) + 1);
  }

  closed(destinationId: string): void {
    const left = (this.open.get(destinationId) ?? 1) - 1;
    if (left > 0) this.open.set(destinationId, left);
    else this.open.delete(destinationId);
  }

  /** `lastSeenAt` and `streams`: the destination's `cli_last_seen_at` and `cli_streams`. */
  connected(destinationId: string, lastSeenAt: Date | null, streams: number, now = Date.now()) {
    if (this.open.has(destinationId)) return true;
    if (!lastSeenAt || streams <= 0) return false;
    return now - lastSeenAt.getTime() < CLI_SEEN_WITHIN_MS;
  }
}
