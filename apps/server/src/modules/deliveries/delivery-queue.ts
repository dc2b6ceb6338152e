import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { JobCounts, Queue } from 'bull';
import Redis, { type RedisOptions } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { GroupCommit } from '../../database/group-commit';
import type { ClaimedDelivery, DueDelivery } from './deliveries.repository';

/** Queue and job names, in one place. Payloads carry ids only. */
export const DELIVERY_QUEUE = 'deliveries';
export const ATTEMPT_JOB = 'attempt';
export interface AttemptJob {
  deliveryId: string;
  attempt: number;
}
/** Attempts due now that were queued together (by one group commit): one job for all. */
export interface AttemptsJob {
  attempts: AttemptJob[];
}
export type DeliveryJob = AttemptJob | AttemptsJob;

/**
 * Bull jobs run per slot of `workerConcurrency` (the requests a worker has out at once). An
 * attempt holds its slot only from its claim to the end of its request (`DeliveryExecutor`);
 * the second job per slot records its outcome, finishes in Redis and fetches the next one
 * meanwhile, so the slots stay busy with requests rather than with bookkeeping. A batch job's
 * attempts wait for slots of their own, unclaimed, so a worker holds at most this many jobs'
 * worth of attempts (`BATCH_JOB_SIZE` each).
 */
export const JOBS_PER_SLOT = 2;

/** Attempts per batch job, at most. */
export const BATCH_JOB_SIZE = 32;

/**
 * Attempts a process runs without a job, per slot of its concurrency, at most: as many as its
 * Bull worker may hold (`JOBS_PER_SLOT` batch jobs per slot).
 */
export const HELD_PER_SLOT = JOBS_PER_SLOT * BATCH_JOB_SIZE;

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

/** Due now, and not a hand-on from a dead worker: may share a batch job, or run at once. */
const dueNow = (a: QueuedAttempt) => !a.leaseEndedAt && delayOf(a.runAt) === 0;

/** An attempt as a job names it, and back. */
const jobOf = (a: QueuedAttempt): AttemptJob => ({ deliveryId: a.id, attempt: a.attempt });
const queuedOf = (a: AttemptJob): QueuedAttempt => ({ id: a.deliveryId, attempt: a.attempt });

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

/**
 * Bull on Redis. Queueing twice is harmless: the job id dedupes, the claim's guard too.
 *
 * Attempts due now that are queued together (the deliveries of one group commit) share batch
 * jobs of up to `BATCH_JOB_SIZE` attempts: Bull's bookkeeping (a job's hash, its moves between
 * lists, its lock) is paid once per batch rather than per attempt. Delayed attempts and
 * hand-ons get a job each, whose id is the attempt's. Which batch holds an attempt is kept in
 * one Redis hash (`batched`: attempt → job id, and `batches`: the set of batch jobs), written
 * before the jobs and cleared when a batch ends, so that the sweeper can tell a queued attempt
 * from a lost one and the depth gauge counts attempts.
 *
 * A process that runs a worker (role `all` or `worker`) runs attempts due now itself while it
 * has room (see `runHere`): no job to add, move and finish in Redis, no round trip. Until its
 * claim such an attempt is as safe as a queued one: the delivery is due in PostgreSQL, and if
 * the process dies first, the sweeper queues it once it is overdue.
 */
@Injectable()
export class BullDeliveryQueue extends DeliveryQueue {
  private readonly logger = new Logger(BullDeliveryQueue.name);
  /** Attempts this process runs itself (`runHere`), until each has ended. */
  private readonly runningHere = new Set<Promise<void>>();
  private attemptsHere = 0;
  /** Looked up on first use: the executor depends on this queue. */
  private executor?: DeliveryExecutorToken;

  /** What callers queue in one turn (or while an add runs) is added together. */
  private readonly adds = new GroupCommit<QueuedAttempt[], void>({
    one: (attempts) => this.add(attempts),
    many: async (groups) => {
      await this.add(groups.flat());
      return groups.map(() => undefined);
    },
  });

  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue<DeliveryJob>,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  private get batchedKey(): string {
    return this.queue.toKey('batched');
  }

  private get batchesKey(): string {
    return this.queue.toKey('batches');
  }

  async enqueue(attempts: QueuedAttempt[]): Promise<void> {
    await this.addToBull(this.runHere(attempts));
  }

  private async addToBull(attempts: QueuedAttempt[]): Promise<void> {
    if (attempts.length === 0) return;
    try {
      await this.adds.submit(attempts);
    } catch (error) {
      this.logger.warn(
        `Could not queue ${attempts.length} attempt(s), the sweeper will: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Starts here the attempts due now that fit in this process's room (`HELD_PER_SLOT` per slot
   * of its concurrency, less the attempts it runs already) and returns the rest, for Bull: later
   * ones, hand-ons (a job of the dead worker's may still hold the attempt), and any beyond the
   * room, which any worker may take. Those not started because the process is stopping go to
   * Bull too.
   */
  private runHere(attempts: QueuedAttempt[]): QueuedAttempt[] {
    if (this.config.role === 'api') return attempts;
    const here: AttemptJob[] = [];
    const rest: QueuedAttempt[] = [];
    for (const a of attempts) {
      const fits = this.attemptsHere + here.length < this.config.workerConcurrency * HELD_PER_SLOT;
      if (fits && dueNow(a)) {
        here.push(jobOf(a));
      } else {
        rest.push(a);
      }
    }
    if (here.length === 0) return rest;
    this.executor ??= this.moduleRef.get(DeliveryExecutorToken, { strict: false });
    this.attemptsHere += here.length;
    const running = this.executor
      .runAll(here)
      .then((notStarted) => this.addToBull(notStarted.map(queuedOf)))
      .finally(() => {
        this.attemptsHere -= here.length;
        this.runningHere.delete(running);
      });
    this.runningHere.add(running);
    return rest;
  }

  /** Resolves once the attempts this process runs itself have ended (for the shutdown). */
  async ranHere(): Promise<void> {
    while (this.runningHere.size > 0) await Promise.all(this.runningHere);
  }

  private async add(attempts: QueuedAttempt[]): Promise<void> {
    const now = attempts.filter(dueNow);
    // One attempt alone keeps a job of its own (its id dedupes it).
    const batched = new Set(now.length > 1 ? now : []);
    const batches: { jobId: string; attempts: QueuedAttempt[] }[] = [];
    for (let i = 0; i < batched.size; i += BATCH_JOB_SIZE) {
      batches.push({
        jobId: `batch-${randomUUID()}`,
        attempts: now.slice(i, i + BATCH_JOB_SIZE),
      });
    }
    if (batches.length > 0) {
      const fields = batches.flatMap(({ jobId, attempts }) =>
        attempts.flatMap((a) => [attemptJobId(a), jobId]),
      );
      // Before the jobs: a batch can end only after its entries exist.
      await Promise.all([
        this.queue.client.hset(this.batchedKey, ...fields),
        this.queue.client.sadd(this.batchesKey, ...batches.map((b) => b.jobId)),
      ]);
    }
    await this.queue.addBulk([
      ...attempts
        .filter((a) => !batched.has(a))
        .map((a) => ({
          name: ATTEMPT_JOB,
          data: jobOf(a),
          opts: { jobId: attemptJobId(a), delay: delayOf(a.runAt) },
        })),
      ...batches.map(({ jobId, attempts }) => ({
        name: ATTEMPT_JOB,
        data: { attempts: attempts.map(jobOf) },
        opts: { jobId },
      })),
    ]);
  }

  /**
   * A batch job is over: its attempts are no longer queued, except `notStarted` (the worker is
   * shutting down), which go back to the queue in a job of their own. Best effort, as queueing is.
   */
  async batchDone(jobId: string, attempts: AttemptJob[], notStarted: AttemptJob[]): Promise<void> {
    try {
      // Plain commands, not a MULTI: they share the connection's next write with Bull's own.
      await Promise.all([
        this.queue.client.hdel(this.batchedKey, ...attempts.map((a) => attemptJobId(queuedOf(a)))),
        this.queue.client.srem(this.batchesKey, jobId),
      ]);
    } catch (error) {
      this.logger.warn(`Could not clear batch ${jobId}: ${(error as Error).message}`);
    }
    await this.enqueue(notStarted.map(queuedOf));
  }

  /**
   * Only attempts whose job Redis does not hold (lost with Redis, or never added): a backlog
   * older than the sweeper's grace is still queued, and adding its jobs again on every pass
   * would only be refused one by one. An attempt is held by its own job or by its batch's.
   */
  override async requeue(attempts: QueuedAttempt[]): Promise<number> {
    if (attempts.length === 0) return 0;
    let missing = attempts;
    try {
      const client = this.queue.client;
      const batchIds =
        (await client.hmget(this.batchedKey, ...attempts.map((a) => attemptJobId(a)))) ?? [];
      const pipeline = client.pipeline();
      attempts.forEach((a, i) =>
        pipeline.exists(this.queue.toKey(attemptJobId(a)), this.queue.toKey(batchIds[i] ?? '-')),
      );
      const held = (await pipeline.exec()) ?? [];
      missing = attempts.filter((_, i) => !((held[i]?.[1] as number) > 0));
    } catch (error) {
      this.logger.warn(`Could not check for queued attempts: ${(error as Error).message}`);
    }
    await this.enqueue(missing);
    return missing.length;
  }

  /**
   * Attempts, not jobs: a batch job counts as many as it holds; those run here count too, and
   * those waiting in a paused queue.
   */
  async depth(): Promise<number> {
    const [counts, inBatches, batches]: [JobCountsWithPaused, number, number] = await Promise.all([
      this.queue.getJobCounts(),
      this.queue.client.hlen(this.batchedKey),
      this.queue.client.scard(this.batchesKey),
    ]);
    return (
      counts.waiting +
      (counts.paused ?? 0) +
      counts.delayed +
      counts.active -
      batches +
      inBatches +
      this.attemptsHere
    );
  }
}

/** Bull's job counts, with those of a paused queue (Bull counts them; its types leave them out). */
type JobCountsWithPaused = JobCounts & { paused?: number };

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
  abstract runAll(jobs: AttemptJob[]): Promise<AttemptJob[]>;
  abstract runClaimed(claimed: ClaimedDelivery, onSent?: () => void): Promise<void>;
}
