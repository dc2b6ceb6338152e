import { Injectable } from '@nestjs/common';
import {
  CLI_RESPONSE_BODY_LIMIT,
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIMEOUT_MS,
  uuidSchema,
  type CliAttempt,
  type CliAttemptRecorded,
  type CliSession,
  type CliSessionResponse,
} from '@hookyard/contracts';
import { ConflictError, InvalidInputError, NotFoundError } from '../../common/domain-errors';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { DeliveryExecutor } from '../deliveries/delivery-executor';
import { toDeliveryResponse } from '../deliveries/delivery.mapper';
import { HOP_BY_HOP } from '../deliveries/http-sender';
import { DestinationsRepository } from '../destinations/destinations.repository';
import type { HeaderPairs } from '../events/event.entity';
import type { SourceEntity } from '../sources/source.entity';
import { SourcesRepository } from '../sources/sources.repository';
import { StreamService } from '../stream/stream.service';
import { CliRepository } from './cli.repository';

/** A CLI destination's retries come fast: a developer is watching. */
export const CLI_RETRY_POLICY = { ...DEFAULT_RETRY_POLICY, maxAttempts: 5, initialDelayMs: 2000 };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** What the CLI was handed, as an attempt records its request headers (repeats joined). */
function recordedHeaders(pairs: HeaderPairs): Record<string, string> {
  const byName = new Map<string, [string, string]>();
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    const existing = byName.get(lower);
    byName.set(lower, existing ? [existing[0], `${existing[1]}, ${value}`] : [name, value]);
  }
  return Object.fromEntries(byName.values());
}

/** `hookyard listen`'s sessions and attempt reports (its stream is `CliStreamService`). */
@Injectable()
export class CliService {
  constructor(
    private readonly cli: CliRepository,
    private readonly sources: SourcesRepository,
    private readonly destinations: DestinationsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly executor: DeliveryExecutor,
    private readonly stream: StreamService,
  ) {}

  /**
   * Registers (or finds again) this CLI's destination for the source, connected to it. With
   * `newOnly`, what waited for it is cancelled: only events from now on arrive.
   */
  async session(input: CliSession): Promise<CliSessionResponse> {
    const source = await this.findSource(input.source);
    const destinationId = await this.cli.register({
      clientId: input.clientId,
      sourceId: source.id,
      listener: input.listener,
      forwardTo: input.forwardTo,
      name: `CLI ${input.listener}`,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      retry: CLI_RETRY_POLICY,
    });
    const cancelled = input.newOnly ? await this.deliveries.cancelWaiting(destinationId) : [];
    for (const delivery of cancelled.slice(0, 100)) {
      this.stream.publish({ type: 'delivery.updated', data: toDeliveryResponse(delivery) });
    }
    return {
      destinationId,
      sourceId: source.id,
      sourceSlug: source.slug,
      pending: await this.deliveries.countPending(destinationId),
      cancelled: cancelled.length,
    };
  }

  /**
   * Records an attempt a CLI made, as a worker's is recorded: the delivery's next state,
   * retries, dead letters, destination health. Only the attempt the delivery waits for counts:
   * a second report of it, or of another attempt number, is a conflict.
   */
  async report(deliveryId: string, input: CliAttempt): Promise<CliAttemptRecorded> {
    if (input.statusCode === null && input.error === null) {
      throw new InvalidInputError('error: required when there is no statusCode');
    }
    if (input.responseBody !== null && !BASE64.test(input.responseBody)) {
      throw new InvalidInputError('responseBody: must be base64');
    }
    const delivery = await this.deliveries.findById(deliveryId);
    if (!delivery) throw NotFoundError.of('Delivery', deliveryId);
    const destination = delivery.destinationId
      ? await this.destinations.findById(delivery.destinationId)
      : null;
    if (destination?.type !== 'cli') {
      throw new ConflictError(`Delivery ${deliveryId} is not for a CLI destination`);
    }
    const requestHeaders = await this.cli.requestHeaders(deliveryId);
    const body = input.responseBody === null ? null : Buffer.from(input.responseBody, 'base64');
    const record = await this.executor.record(
      delivery,
      destination,
      input.attempt,
      {
        at: new Date(Date.now() - input.durationMs),
        url: input.url,
        requestHeaders: recordedHeaders(requestHeaders ?? []),
        statusCode: input.statusCode,
        durationMs: input.durationMs,
        error: input.error,
        errorKind: input.errorKind,
        // Lower-case names, as the HTTP worker records them.
        responseHeaders:
          input.responseHeaders &&
          Object.fromEntries(
            Object.entries(input.responseHeaders).map(([name, value]) => [
              name.toLowerCase(),
              value,
            ]),
          ),
        responseBody: body && body.subarray(0, CLI_RESPONSE_BODY_LIMIT),
        responseBodyTruncated:
          input.responseBodyTruncated || (body !== null && body.length > CLI_RESPONSE_BODY_LIMIT),
      },
      'cli_pending',
    );
    if (!record) {
      throw new ConflictError(
        `Attempt ${input.attempt} of delivery ${deliveryId} is not waiting for a report: it was reported already, or is not the delivery's next attempt`,
      );
    }
    return {
      deliveryId,
      attempt: record.n,
      status: record.status,
      nextAttemptAt: record.nextAttemptAt?.toISOString() ?? null,
    };
  }

  /** By slug, or by id. */
  private async findSource(slugOrId: string): Promise<SourceEntity> {
    const source =
      (await this.sources.findBySlug(slugOrId)) ??
      (uuidSchema.safeParse(slugOrId).success ? await this.sources.findById(slugOrId) : null);
    if (!source) throw new NotFoundError(`Source "${slugOrId}" not found`);
    return source;
  }
}
