import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import type { DueDelivery } from './deliveries.repository';

/** Queue and job names, in one place. Payloads carry ids only. */
export const DELIVERY_QUEUE = 'deliveries';
export const ATTEMPT_JOB = 'attempt';
export interface AttemptJob {
  deliveryId: string;
  attempt: number;
}

export interface QueuedAttempt extends DueDelivery {
  /** Not before this time; now when absent. */
  runAt?: Date;
}

/**
 * The transport that carries a delivery's next attempt to a worker. PostgreSQL
 * holds the truth; a lost job is found again by the sweeper, so enqueueing is
 * best effort and never fails the caller.
 */
export abstract class DeliveryQueue {
  abstract enqueue(attempts: QueuedAttempt[]): Promise<void>;
  /** Attempts waiting or running: the queue depth metric. */
  abstract depth(): Promise<number> | number;
}

const delayOf = (runAt: Date | undefined) => Math.max(0, (runAt?.getTime() ?? 0) - Date.now());

/**
 * The Bull job id: delivery id + attempt number, so the same attempt cannot be queued twice.
 * A hand-on after a worker died gets an id of its own (+ the end of the dead worker's lease):
 * that worker's job stays active in Bull, without a lock, until Bull's stalled-job check
 * (lock 30 s, checked every 30 s) moves it, and a job with the same id would be dropped.
 */
const attemptJobId = (a: QueuedAttempt) =>
  a.leaseEndedAt
    ? `${a.id}:${a.attempt}:lease-${new Date(a.leaseEndedAt).getTime()}`
    : `${a.id}:${a.attempt}`;

/** Bull on Redis. Queueing twice is harmless: the job id dedupes, the claim's guard too. */
@Injectable()
export class BullDeliveryQueue extends DeliveryQueue {
  private readonly logger = new Logger(BullDeliveryQueue.name);

  constructor(@InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue<AttemptJob>) {
    super();
  }

  async enqueue(attempts: QueuedAttempt[]): Promise<void> {
    if (attempts.length === 0) return;
    try {
      await this.queue.addBulk(
        attempts.map((a) => ({
          name: ATTEMPT_JOB,
          data: { deliveryId: a.id, attempt: a.attempt },
          opts: { jobId: attemptJobId(a), delay: delayOf(a.runAt) },
        })),
      );
    } catch (error) {
      this.logger.warn(
        `Could not queue ${attempts.length} attempt(s), the sweeper will: ${(error as Error).message}`,
      );
    }
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts();
    return counts.waiting + counts.delayed + counts.active;
  }
}

/** Without Redis: timers in this process; the sweeper finds what a restart dropped. */
@Injectable()
export class InProcessDeliveryQueue extends DeliveryQueue implements OnModuleDestroy {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly moduleRef: ModuleRef) {
    super();
  }

  enqueue(attempts: QueuedAttempt[]): Promise<void> {
    for (const a of attempts) {
      const key = `${a.id}:${a.attempt}`;
      if (this.timers.has(key)) continue;
      const timer = setTimeout(() => {
        this.timers.delete(key);
        // Resolved lazily: the executor depends on this queue too.
        void this.moduleRef
          .get(DeliveryExecutorToken, { strict: false })
          .run({ deliveryId: a.id, attempt: a.attempt });
      }, delayOf(a.runAt));
      timer.unref();
      this.timers.set(key, timer);
    }
    return Promise.resolve();
  }

  depth(): number {
    return this.timers.size;
  }

  onModuleDestroy(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/** Set by the module to the executor class (avoids an import cycle). */
export abstract class DeliveryExecutorToken {
  abstract run(job: AttemptJob): Promise<void>;
}
