import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import Redis, { type RedisOptions } from 'ioredis';
import type { ClaimedDelivery, DueDelivery } from './deliveries.repository';

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
  /** Whether a queued attempt can be lost, so that the sweeper must look for it. */
  readonly losesJobs: boolean = true;
  abstract enqueue(attempts: QueuedAttempt[]): Promise<void>;
  /** The sweeper's: queues those of `attempts` that the transport has lost; returns how many. */
  async requeue(attempts: QueuedAttempt[]): Promise<number> {
    await this.enqueue(attempts);
    return attempts.length;
  }
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

  /**
   * Only attempts whose job Redis does not hold (lost with Redis, or never added): a backlog
   * older than the sweeper's grace is still queued, and adding its jobs again on every pass
   * would only be refused one by one.
   */
  override async requeue(attempts: QueuedAttempt[]): Promise<number> {
    if (attempts.length === 0) return 0;
    let missing = attempts;
    try {
      const pipeline = this.queue.client.pipeline();
      for (const a of attempts) pipeline.exists(this.queue.toKey(attemptJobId(a)));
      const held = (await pipeline.exec()) ?? [];
      missing = attempts.filter((_, i) => held[i]?.[1] !== 1);
    } catch (error) {
      this.logger.warn(`Could not check for queued attempts: ${(error as Error).message}`);
    }
    await this.enqueue(missing);
    return missing.length;
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts();
    return counts.waiting + counts.delayed + counts.active;
  }
}

/**
 * Bull's Redis connections, made here rather than by Bull so that only the command connection
 * auto-pipelines: the job moves of attempts a group commit finished together share one write.
 * The blocking connection must not (a pipelined BRPOPLPUSH holds up whatever is queued behind
 * it). Bull does not close connections it did not make: `close()` does, after the queue.
 */
export class BullConnections {
  private readonly clients = new Set<Redis>();

  readonly create = (type: 'client' | 'subscriber' | 'bclient', options?: RedisOptions): Redis => {
    const client = new Redis({
      ...options,
      ...(type === 'client' ? { enableAutoPipelining: true } : { maxRetriesPerRequest: null }),
    });
    this.clients.add(client);
    return client;
  };

  async close(): Promise<void> {
    await Promise.all(
      [...this.clients].map(async (client) => {
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }),
    );
    this.clients.clear();
  }
}

/** Set by the module to the executor class (avoids an import cycle). */
export abstract class DeliveryExecutorToken {
  abstract run(job: AttemptJob): Promise<void>;
  abstract runClaimed(claimed: ClaimedDelivery, onSent?: () => void): Promise<void>;
}
