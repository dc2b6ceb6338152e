import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { AttemptEntity } from '../deliveries/attempt.entity';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { HOP_BY_HOP } from '../deliveries/http-sender';
import { StreamService } from '../stream/stream.service';

/** The provider's answer taken from an attempt: status, headers, body. */
export interface PassthroughAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface PendingPassthrough {
  /** The first attempt's answer once it is recorded, or null at the deadline or when it got none. */
  answer(): Promise<PassthroughAnswer | null>;
  /** Stops waiting (the event was a duplicate, or was not stored). */
  cancel(): void;
}

/** Resolves after `ms` (at once when not positive), without holding the process open. */
function sleep(ms: number): { done: Promise<void>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    if (ms <= 0) return resolve();
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return { done, clear: () => clearTimeout(timer) };
}

/** An attempt that got an answer, whole: what the provider is answered with. */
function toAnswer(attempt: AttemptEntity | null): PassthroughAnswer | null {
  if (!attempt || attempt.statusCode === null || attempt.error !== null) return null;
  if (attempt.responseBodyTruncated) return null;
  const headers = Object.fromEntries(
    Object.entries(attempt.responseHeaders ?? {}).filter(
      // Not copied onto the provider's answer: they describe the attempt's connection, not its message.
      ([name]) => !HOP_BY_HOP.has(name.toLowerCase()),
    ),
  );
  return { statusCode: attempt.statusCode, headers, body: attempt.responseBody ?? Buffer.alloc(0) };
}

/**
 * A source's passthrough: the ingest waits for the first attempt of the event's first delivery,
 * made by any process and any transport (a worker, or a CLI that reports it), to answer the
 * provider with its response. One subscription to the live stream serves every waiting
 * request; the `delivery.updated` of the attempt wakes its request, which reads the attempt.
 */
@Injectable()
export class Passthrough implements OnModuleDestroy {
  private readonly waiting = new Map<string, () => void>();
  private subscription: Subscription | null = null;

  constructor(
    private readonly stream: StreamService,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  /**
   * Starts waiting for attempt 1 of `deliveryId`, until `deadline` (epoch ms). Call it before
   * the delivery exists: it resolves once this process hears every process's messages (the
   * Redis subscription is acknowledged), so that no answer comes before it listens.
   */
  async watch(deliveryId: string, deadline: number): Promise<PendingPassthrough> {
    this.subscription ??= this.stream.messages({ client: false }).subscribe((message) => {
      if (message.type === 'delivery.updated' && message.data.attemptCount >= 1) {
        this.waiting.get(message.data.id)?.();
      }
    });
    let wake = () => undefined as void;
    const recorded = new Promise<void>((resolve) => (wake = resolve));
    this.waiting.set(deliveryId, wake);
    const ready = sleep(deadline - Date.now());
    await Promise.race([this.stream.ready().catch(() => undefined), ready.done]);
    ready.clear();
    return {
      answer: async () => {
        const timeout = sleep(deadline - Date.now());
        await Promise.race([recorded, timeout.done]);
        timeout.clear();
        this.waiting.delete(deliveryId);
        // Read at the deadline too: the message may have been missed (a Redis hiccup).
        return toAnswer(await this.deliveries.findAttempt(deliveryId, 1));
      },
      cancel: () => this.waiting.delete(deliveryId),
    };
  }

  /** Requests still waiting answer now, with what is recorded. */
  onModuleDestroy(): void {
    for (const wake of this.waiting.values()) wake();
    this.subscription?.unsubscribe();
  }
}
