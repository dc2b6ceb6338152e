import type { Logger, MessageEvent } from '@nestjs/common';
import type { Subscriber, Subscription } from 'rxjs';
import type { StreamMessage } from '@hookyard/contracts';
import type { RoutingChanges } from '../../database/routing-changes';
import {
  LEASE_MARGIN_MS,
  type DeliveriesRepository,
  type LeasedDelivery,
} from '../deliveries/deliveries.repository';
import { toDeliveryResponse } from '../deliveries/delivery.mapper';
import { CLI_HEARTBEAT_MS, type CliPresence } from '../destinations/cli-presence';
import type { DestinationEntity } from '../destinations/destination.entity';
import type { DestinationsRepository } from '../destinations/destinations.repository';
import type { StreamService } from '../stream/stream.service';
import type { CliRepository } from './cli.repository';
import { toCliMessage } from './cli-delivery.mapper';

/** Attempts one stream holds at most: the CLI reports them before it gets more. */
export const MAX_LEASED_PER_STREAM = 10;
/** A claim this often even when no message woke the stream (another process's change, a retry falling due). */
const POLL_INTERVAL_MS = 500;
/** A comment this often keeps proxies from closing an idle stream. */
const PING_INTERVAL_MS = 15_000;

export interface CliStreamDeps {
  deliveries: DeliveriesRepository;
  destinations: DestinationsRepository;
  cli: CliRepository;
  presence: CliPresence;
  stream: StreamService;
  routing: RoutingChanges;
  logger: Logger;
}

interface Lease {
  attempt: number;
  until: number;
  token: string;
}

/**
 * One open `GET /api/v1/cli/destinations/:id/deliveries`: claims what is due for the
 * destination (at most `MAX_LEASED_PER_STREAM` unreported at once) and writes each as a
 * `delivery` message. It claims when it opens, when a message says something changed (an
 * event of the CLI's source, a change to one of its deliveries), and every 500 ms. An attempt
 * leaves the stream's hands when its report is recorded (the `delivery.updated` message) or
 * its lease ends; when the stream closes, what it still holds is given back at once, so a
 * reconnecting CLI gets it without waiting for the leases.
 *
 * `held`: the attempt named by `Last-Event-ID`. The CLI most likely got it and may be
 * reporting it right now, so it is not claimed again until its report is recorded or the time
 * of a lease has passed (then it is sent again: it was not reported).
 *
 * The stream ends when its destination is deleted (or stops being a CLI destination): at the
 * next poll after any process changes the destinations (their triggers notify), or at the next
 * heartbeat while those notifications do not arrive. The CLI's reconnection then finds no
 * destination and registers again, rather than listening on one that no longer gets anything.
 */
export class CliDeliveryStream {
  private readonly leased = new Map<string, Lease>();
  private held: { deliveryId: string; attempt: number; until: number } | null;
  private readonly timers: NodeJS.Timeout[] = [];
  private subscription: Subscription | null = null;
  private pumping = false;
  private pumpAgain = false;
  private stopped = false;
  private readonly leaseMs: number;
  /** This stream's writes to its presence, one after the other: its close comes last. */
  private seeing: Promise<void> = Promise.resolve();
  /** The routing generation when the destination was last looked at. */
  private routingSeen: number;

  constructor(
    private readonly deps: CliStreamDeps,
    private readonly destination: DestinationEntity,
    lastEvent: { deliveryId: string; attempt: number } | null,
    private readonly out: Subscriber<MessageEvent>,
  ) {
    this.leaseMs = destination.timeoutMs + LEASE_MARGIN_MS;
    this.held = lastEvent && { ...lastEvent, until: Date.now() + this.leaseMs };
    this.routingSeen = deps.routing.current;
  }

  start(): void {
    const { presence, stream } = this.deps;
    presence.opened(this.destination.id);
    this.every(CLI_HEARTBEAT_MS, () => void this.seen('open'));
    this.every(POLL_INTERVAL_MS, () => {
      // The destinations changed somewhere: a heartbeat now, not in 10 s, says if this one is gone.
      if (this.deps.routing.current !== this.routingSeen) {
        this.routingSeen = this.deps.routing.current;
        void this.seen('open');
      }
      this.wake();
    });
    this.every(PING_INTERVAL_MS, () => this.out.next({ comment: 'ping' }));
    this.subscription = stream.messages().subscribe((message) => this.onMessage(message));
    // `: connected` once the CLI shows as seen and messages from every process reach this
    // stream; claims start then (if Redis is down, the poll still claims).
    const connected = () => {
      if (this.stopped) return;
      this.out.next({ comment: 'connected' });
      this.wake();
    };
    void Promise.all([this.seen('opened'), stream.ready()]).then(connected, connected);
  }

  /** Ends the stream's work; resolves once what it held is given back. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.subscription?.unsubscribe();
    const { presence, destinations, logger } = this.deps;
    try {
      await this.releaseLeased();
      await this.seeing;
      await destinations.cliStream(this.destination.id, 'closed');
    } catch (error) {
      logger.warn(`Closing the CLI stream of ${this.destination.id}: ${(error as Error).message}`);
    } finally {
      presence.closed(this.destination.id);
    }
  }

  private every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /**
   * Counts the stream as open (`opened`, then `open` on every heartbeat) in every process, and
   * ends it when its destination is gone (deleted, or no longer a CLI destination).
   */
  private seen(change: 'opened' | 'open'): Promise<void> {
    this.seeing = this.seeing.then(async () => {
      try {
        const seenAt = await this.deps.destinations.cliStream(this.destination.id, change);
        if (seenAt === null) this.end();
      } catch (error) {
        this.deps.logger.warn(`CLI heartbeat failed: ${(error as Error).message}`);
      }
    });
    return this.seeing;
  }

  /** The destination is gone: the response ends, and the teardown (`stop`) follows. */
  private end(): void {
    if (this.stopped) return;
    this.deps.logger.log(`CLI destination ${this.destination.id} is gone: its stream ends`);
    this.out.complete();
  }

  private onMessage(message: StreamMessage): void {
    if (message.type === 'event.created') {
      if (message.data.sourceId === this.destination.cliSourceId) this.wake();
      return;
    }
    const delivery = message.data;
    if (delivery.destinationId !== this.destination.id) return;
    const lease = this.leased.get(delivery.id);
    // Reported (the attempt count moved on), or taken out of flight (cancelled, given back).
    if (lease && (delivery.attemptCount >= lease.attempt || delivery.status !== 'delivering')) {
      this.leased.delete(delivery.id);
    }
    if (this.held?.deliveryId === delivery.id && delivery.attemptCount >= this.held.attempt) {
      this.held = null;
    }
    this.wake();
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        const now = Date.now();
        // A lease that ran out unreported: the delivery is due again, for this stream or another.
        for (const [id, lease] of this.leased) if (lease.until <= now) this.leased.delete(id);
        if (this.held && this.held.until <= now) this.held = null;
        const room = MAX_LEASED_PER_STREAM - this.leased.size;
        if (room <= 0) break;
        const claimed = await this.deps.deliveries.claimDueFor(
          this.destination.id,
          room,
          LEASE_MARGIN_MS,
          this.held ? [this.held.deliveryId] : [],
        );
        for (const c of claimed) this.leased.set(c.delivery.id, leaseOf(c));
        if (this.stopped) {
          // Closed while claiming: `stop` gave back what it saw; these came after.
          await this.releaseLeased();
          return;
        }
        if (claimed.length === 0) break;
        const respondBy = await this.deps.cli.respondBy(claimed.map((c) => c.delivery.id));
        if (this.stopped) return;
        for (const c of claimed) {
          this.out.next(toCliMessage(c, respondBy.get(c.delivery.id) ?? null));
        }
        if (claimed.length === room) this.pumpAgain = true;
      } while (this.pumpAgain && !this.stopped);
    } catch (error) {
      this.deps.logger.warn(
        `Claiming deliveries for CLI destination ${this.destination.id} failed: ${(error as Error).message}`,
      );
    } finally {
      this.pumping = false;
    }
  }

  /** Gives back, due now, every attempt this stream holds unreported, and says so on the live stream. */
  private async releaseLeased(): Promise<void> {
    const leases = [...this.leased].map(([id, lease]) => ({ id, token: lease.token }));
    this.leased.clear();
    const released = await this.deps.deliveries.release(leases);
    for (const delivery of released) {
      this.deps.stream.publish({ type: 'delivery.updated', data: toDeliveryResponse(delivery) });
    }
  }
}

const leaseOf = ({ delivery, lease }: LeasedDelivery): Lease => ({
  attempt: delivery.attemptCount + 1,
  until: lease.until.getTime(),
  token: lease.token,
});
