import { Inject, Injectable, Logger } from '@nestjs/common';
import { Semaphore } from 'async-mutex';
import { DEFAULT_TIMEOUT_MS, type DeliveryResponse, type RetryPolicy } from '@hookyard/contracts';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { RoutingChanges } from '../../database/routing-changes';
import type { DestinationEntity } from '../destinations/destination.entity';
import { MetricsService } from '../metrics/metrics.service';
import { RateLimiter } from '../redis/rate-limiter.service';
import { StreamService } from '../stream/stream.service';
import { AlertsService } from './alerts.service';
import {
  DeliveriesRepository,
  LEASE_MARGIN_MS,
  type AttemptGuard,
  type AttemptRecord,
  type ClaimedDelivery,
} from './deliveries.repository';
import type { DeliveryEntity } from './delivery.entity';
import { toDeliveryResponse } from './delivery.mapper';
import { DeliveryQueue, type AttemptJob } from './delivery-queue';
import { HttpSender } from './http-sender';
import { outboundHeaders, targetUrl } from './outbound-request';
import { nextRetryDelayMs } from './retry-schedule';

/** One attempt as it went: what was sent, and what came back (or why nothing did). */
export type AttemptOutcome = Omit<AttemptRecord, 'deliveryId' | 'n' | 'status' | 'nextAttemptAt'>;

/** A sent attempt, before it is recorded. */
interface SentAttempt {
  delivery: DeliveryEntity;
  destination: DestinationEntity | null;
  outcome: AttemptOutcome;
}

/** The `Retry-After` header of an attempt's response, if it had one. */
const retryAfterOf = ({ responseHeaders }: AttemptOutcome) =>
  Object.entries(responseHeaders ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];

/** A replay to an ad-hoc URL is one try: the person is watching for its answer. */
const AD_HOC_POLICY: RetryPolicy = { maxAttempts: 1, initialDelayMs: 10_000, maxDelayMs: 10_000 };

/**
 * One attempt of one delivery: claim it in PostgreSQL, send it, record the outcome,
 * and schedule what comes next. Both transports call it: Bull through `run`, the database
 * transport through `runClaimed`; a CLI's reported attempt goes through `record`.
 */
@Injectable()
export class DeliveryExecutor {
  private readonly logger = new Logger(DeliveryExecutor.name);
  /**
   * Bull runs more jobs at once than the worker sends requests (see `DeliveryWorker`): a job
   * holds one of `workerConcurrency` slots from its claim to the end of its request, and
   * records the outcome after giving the slot back.
   */
  private readonly sending: Semaphore;
  private stopping = false;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly sender: HttpSender,
    private readonly queue: DeliveryQueue,
    private readonly rateLimiter: RateLimiter,
    private readonly stream: StreamService,
    private readonly alerts: AlertsService,
    private readonly metrics: MetricsService,
    private readonly routingChanges: RoutingChanges,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sending = new Semaphore(config.workerConcurrency);
  }

  /**
   * The Bull transport: a job names the attempt, which is claimed here. Returns false when the
   * attempt was not started because the process is stopping (it stays due, unclaimed).
   */
  async run(job: AttemptJob): Promise<boolean> {
    const [, release] = await this.sending.acquire();
    return this.runInSlot(job, release);
  }

  /**
   * A Bull batch job: its attempts run side by side, each in a slot of its own. Returns those
   * not started because the process is stopping, for the queue to take back. One attempt at a
   * time waits for a slot: those behind it are only ids until their turn (a worker holds
   * thousands of them, see `HELD_PER_SLOT`).
   */
  async runAll(attempts: AttemptJob[]): Promise<AttemptJob[]> {
    const runs: Promise<boolean>[] = [];
    for (const job of attempts) {
      const [, release] = await this.sending.acquire();
      runs.push(this.runInSlot(job, release));
    }
    const started = await Promise.all(runs);
    return attempts.filter((_, i) => !started[i]);
  }

  /**
   * Runs an attempt in the slot it holds, and gives the slot back at the end of its request. The
   * claim is taken inside the slot: a claimed delivery never waits for one, so its lease
   * (timeout + margin) cannot run out before it is sent.
   */
  private async runInSlot(
    { deliveryId, attempt }: AttemptJob,
    release: () => void,
  ): Promise<boolean> {
    let started = true;
    await this.guarded(deliveryId, attempt, async () => {
      let sent: SentAttempt | null;
      try {
        if (this.stopping) {
          started = false;
          return;
        }
        const claimed = await this.deliveries.claim(deliveryId, attempt, LEASE_MARGIN_MS);
        sent = claimed && (await this.send(claimed, attempt));
      } finally {
        release();
      }
      if (sent) await this.recordSent(sent, attempt);
    });
    return started;
  }

  /**
   * The process is shutting down: attempts still waiting for a slot are not started (their
   * request would find the HTTP client closed). Those of a batch are queued again by the
   * worker; a lone job's attempt stays due, and the sweeper queues it again.
   */
  stop(): void {
    this.stopping = true;
  }

  /**
   * The database transport: the delivery was claimed by `DeliveriesRepository.claimDue`.
   * `onSent` is called once its request is over (or it was postponed), before the record.
   */
  async runClaimed(claimed: ClaimedDelivery, onSent?: () => void): Promise<void> {
    const attempt = claimed.delivery.attemptCount + 1;
    await this.guarded(claimed.delivery.id, attempt, async () => {
      let sent: SentAttempt | null;
      try {
        sent = await this.send(claimed, attempt);
      } finally {
        onSent?.();
      }
      if (sent) await this.recordSent(sent, attempt);
    });
  }

  private recordSent({ delivery, destination, outcome }: SentAttempt, n: number) {
    return this.record(delivery, destination, n, outcome);
  }

  private async guarded(deliveryId: string, attempt: number, work: () => Promise<void>) {
    try {
      await work();
    } catch (error) {
      // The delivery stays as PostgreSQL has it; the sweeper retries it when its lease ends.
      this.logger.error(
        `Attempt ${attempt} of delivery ${deliveryId} failed: ${(error as Error).stack ?? String(error)}`,
      );
    }
  }

  /**
   * Sends attempt `n` of a claimed delivery and returns what happened, or null when the
   * destination's rate limit postponed it (it is queued again for when there is room).
   */
  private async send(
    { delivery, destination, event }: ClaimedDelivery,
    n: number,
  ): Promise<SentAttempt | null> {
    if (destination?.rateLimitPerSecond) {
      const waitMs = await this.rateLimiter.consume(
        'destination',
        destination.id,
        destination.rateLimitPerSecond,
      );
      if (waitMs !== null) {
        const runAt = new Date(Date.now() + waitMs);
        await this.deliveries.postpone(delivery.id, n, runAt);
        await this.queue.enqueue([{ id: delivery.id, attempt: n, runAt }]);
        return null;
      }
    }

    const at = new Date();
    const url = destination
      ? targetUrl(destination.url, event.path, event.query)
      : (delivery.url ?? '');
    // An edited replay sends its own headers and body, on every attempt; signatures cover them.
    const body = delivery.overrideBody ?? event.body;
    const { headers, recorded } = outboundHeaders({
      original: delivery.overrideHeaders ? Object.entries(delivery.overrideHeaders) : event.headers,
      extra: destination?.headers ?? {},
      eventId: event.id,
      deliveryId: delivery.id,
      attempt: n,
      signingSecret: destination?.signingSecret ?? null,
      body,
      now: at,
    });
    const result = await this.sender.send({
      url,
      method: event.method,
      headers,
      body,
      timeoutMs: destination?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    return {
      delivery,
      destination,
      outcome: {
        at,
        url,
        requestHeaders: recorded,
        statusCode: result.statusCode,
        durationMs: result.durationMs,
        error: result.error?.message ?? null,
        errorKind: result.error?.kind ?? null,
        responseHeaders: result.headers,
        responseBody: result.body,
        responseBodyTruncated: result.bodyTruncated,
      },
    };
  }

  /**
   * What follows any attempt, whoever made it (this executor, or a CLI that reports one):
   * judge the outcome, record it with the delivery's next state and the destination's health,
   * then tell the live stream, queue the retry, and raise the alerts. A 2xx succeeds; anything
   * else is retried on the destination's schedule (`Retry-After` honoured) until the last
   * attempt, which makes the delivery dead. Returns the record, or null when nothing was
   * recorded (another worker or report recorded attempt `n` first, or `onlyIf` refused it).
   */
  async record(
    delivery: DeliveryEntity,
    destination: DestinationEntity | null,
    n: number,
    outcome: AttemptOutcome,
    onlyIf: AttemptGuard = 'claimed',
  ): Promise<AttemptRecord | null> {
    const { at, statusCode } = outcome;
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const policy = destination?.retry ?? AD_HOC_POLICY;
    const status = ok ? 'succeeded' : n >= policy.maxAttempts ? 'dead' : 'failed';
    const nextAttemptAt =
      status === 'failed'
        ? new Date(
            at.getTime() +
              nextRetryDelayMs(policy, n, { statusCode, retryAfter: retryAfterOf(outcome) }, at),
          )
        : null;
    const record: AttemptRecord = { deliveryId: delivery.id, n, ...outcome, status, nextAttemptAt };
    const health = destination
      ? {
          destinationId: destination.id,
          succeeded: ok,
          disableNow: statusCode === 410 ? 'The destination answered 410 Gone' : null,
          disableAfter: this.config.disableAfterFailures,
        }
      : null;
    const { recorded: stored, destinationDisabled } = await this.deliveries.recordAttempt(
      record,
      health,
      onlyIf,
    );
    if (!stored) return null;
    // Its deliveries now wait: ingest must stop queueing them (other processes hear the NOTIFY).
    if (destinationDisabled) this.routingChanges.changed();

    this.metrics.recordAttempt(destination?.name ?? 'ad-hoc', status, outcome.durationMs / 1000);
    const updatedAt = new Date();
    // Built only for someone to receive: the live stream's listeners, or an alert.
    const updated = (): DeliveryResponse =>
      toDeliveryResponse({
        ...delivery,
        status,
        attemptCount: n,
        nextAttemptAt,
        lastStatusCode: statusCode,
        lastError: outcome.error ?? (ok ? null : `HTTP ${statusCode}`),
        leaseUntil: null,
        updatedAt,
      });
    this.stream.publish(() => ({ type: 'delivery.updated', data: updated() }));
    // A CLI destination's retry waits for its CLI's stream, which claims it once it is due.
    if (status === 'failed' && nextAttemptAt && destination?.type !== 'cli') {
      await this.queue.enqueue([{ id: delivery.id, attempt: n + 1, runAt: nextAttemptAt }]);
    }
    if (status === 'dead') this.alerts.deliveryDead(updated(), record);
    if (destinationDisabled && destination) this.alerts.destinationDisabled(destination.id, record);
    return record;
  }
}
