import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { DeliveriesRepository, LEASE_MARGIN_MS } from './deliveries.repository';
import { DeliveryExecutorToken, DeliveryQueue, type QueuedAttempt } from './delivery-queue';

/** Looks for due deliveries this often even when nothing here woke it (another process queued them). */
const POLL_INTERVAL_MS = 1000;
/**
 * While requests are out and fewer than this many slots are free, the loop holds its claim for
 * up to `CLAIM_HOLD_MS` to let more of them end: a claim (and the reads and records that follow
 * it) costs about the same for one delivery as for several, and in standalone's embedded
 * database most of a delivery's cost is such statements. Idle, a claim goes at once.
 */
const CLAIM_BATCH = 5;
const CLAIM_HOLD_MS = 5;
/** How long shutdown waits for attempts in flight before leaving them to their lease. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * The transport without Redis: this process claims due deliveries straight from the database
 * (`FOR UPDATE SKIP LOCKED`, oldest due first, up to the worker concurrency) and runs them with
 * the executor the Bull worker uses. Nothing is held in memory that the database does not
 * have, so a restart loses nothing: what was due is claimed on boot, and a delivery whose
 * worker died is claimed again when its lease ends. Several processes may share one
 * PostgreSQL this way; standalone mode is one process on the embedded database.
 *
 * `enqueue` only wakes the loop (now, or at the attempt's time).
 */
@Injectable()
export class DatabaseDeliveryQueue
  extends DeliveryQueue
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger(DatabaseDeliveryQueue.name);
  /** The queue is the database, whose due deliveries (and ended leases) the loop claims. */
  override readonly losesJobs = false;
  private running = false;
  /** Attempts claimed and not yet recorded; of those, `sending` are before the end of their request. */
  private inFlight = 0;
  private sending = 0;
  private pumping = false;
  private pumpAgain = false;
  private poll: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private drained: (() => void) | null = null;
  /**
   * Set by the poll (and at boot): the next pump also asks when the next delivery falls due, for
   * retries this process did not queue (another process's, or an earlier run's). Its own arrive
   * through `enqueue` with their time; asking after every pump would double the statements of
   * a busy loop.
   */
  private lookAhead = true;
  /** Until when a small claim is held back (see `CLAIM_BATCH`); null when none is. */
  private holdUntil: number | null = null;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.running = true;
    this.poll = setInterval(() => {
      this.lookAhead = true;
      this.wake();
    }, POLL_INTERVAL_MS);
    this.poll.unref();
    this.wake();
  }

  /**
   * First of the shutdown: claim nothing more. The HTTP client closes next (`HttpSender`), and a
   * delivery claimed after that could not be sent: it would wait for its lease to end.
   */
  onModuleDestroy(): void {
    this.running = false;
    if (this.poll) clearInterval(this.poll);
    if (this.timer) clearTimeout(this.timer);
  }

  /** Waits for the attempts in flight to be recorded (or `DRAIN_TIMEOUT_MS`). */
  async onApplicationShutdown(): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      this.drained = resolve;
      setTimeout(resolve, DRAIN_TIMEOUT_MS).unref();
    });
  }

  enqueue(attempts: QueuedAttempt[]): Promise<void> {
    const now = Date.now();
    for (const a of attempts) {
      const at = a.runAt?.getTime() ?? now;
      if (at <= now) this.wake();
      else this.wakeAt(at);
    }
    return Promise.resolve();
  }

  /** Attempts running in this process. */
  depth(): number {
    return this.inFlight;
  }

  private wake(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    void this.pump();
  }

  private wakeAt(at: number): void {
    if (!this.running || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.wake();
    }, at - Date.now());
    this.timer.unref();
  }

  /** Claims and starts what is due while there is room, then sets the timer for the next due time. */
  private async pump(): Promise<void> {
    this.pumping = true;
    const executor = this.moduleRef.get(DeliveryExecutorToken, { strict: false });
    try {
      do {
        this.pumpAgain = false;
        // A slot is free once its request is over; the record that follows may overlap the
        // next claims, up to as many again.
        const slots = this.config.workerConcurrency;
        const room = Math.min(slots - this.sending, 2 * slots - this.inFlight);
        if (room <= 0) break;
        if (room < CLAIM_BATCH && this.sending > 0) {
          const now = Date.now();
          this.holdUntil ??= now + CLAIM_HOLD_MS;
          if (now < this.holdUntil) {
            this.wakeAt(this.holdUntil);
            break;
          }
        }
        this.holdUntil = null;
        const claimed = await this.deliveries.claimDue(room, LEASE_MARGIN_MS);
        for (const delivery of claimed) {
          this.inFlight++;
          this.sending++;
          void executor.runClaimed(delivery, () => this.sent()).finally(() => this.settled());
        }
        // A full batch may have left more behind.
        if (claimed.length === room) this.pumpAgain = true;
      } while (this.pumpAgain && this.running);
      if (this.lookAhead) {
        this.lookAhead = false;
        const next = await this.deliveries.nextDueAt();
        if (next) this.wakeAt(Math.max(next.getTime(), Date.now() + 1));
      }
    } catch (error) {
      this.logger.warn(`Claiming due deliveries failed: ${(error as Error).message}`);
    } finally {
      this.pumping = false;
    }
  }

  private sent(): void {
    this.sending--;
    this.wake();
  }

  private settled(): void {
    this.inFlight--;
    if (this.running) this.wake();
    else if (this.inFlight === 0) this.drained?.();
  }
}
