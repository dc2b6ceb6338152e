import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DeliveryResponse } from '@hookyard/contracts';
import { signStandardWebhook } from '@hookyard/signatures';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import type { AttemptRecord } from './deliveries.repository';
import { HttpSender } from './http-sender';

const EXCERPT_BYTES = 2048;
const RETRY_DELAYS_MS = [1000, 5000];

/**
 * Operator notices: a delivery went dead, a destination was disabled. Each carries
 * the event's context (source, headers, a body excerpt, the last response), so the
 * notice alone says what failed. Sent to HOOKYARD_ALERT_URL, signed like Standard
 * Webhooks with HOOKYARD_ALERT_SECRET; best effort, never in the delivery's way.
 */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);

  constructor(
    private readonly sender: HttpSender,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  deliveryDead(delivery: DeliveryResponse, last: AttemptRecord): void {
    this.fire('delivery.dead', delivery.eventId, { delivery }, last);
  }

  destinationDisabled(destinationId: string, last: AttemptRecord): void {
    void this.destinationContext(destinationId).then((destination) =>
      this.fire('destination.disabled', null, { destination }, last, last.deliveryId),
    );
  }

  private fire(
    type: string,
    eventId: string | null,
    subject: Record<string, unknown>,
    last: AttemptRecord,
    deliveryId?: string,
  ): void {
    if (!this.config.alertUrl) return;
    void (async () => {
      const event = await this.eventContext(eventId ?? (await this.eventIdOf(deliveryId)));
      const payload = {
        type,
        at: new Date().toISOString(),
        ...subject,
        event,
        lastAttempt: {
          n: last.n,
          at: last.at.toISOString(),
          url: last.url,
          statusCode: last.statusCode,
          error: last.error,
          errorKind: last.errorKind,
          responseBodyExcerpt:
            last.responseBody?.subarray(0, EXCERPT_BYTES).toString('utf8') ?? null,
        },
      };
      await this.send(JSON.stringify(payload));
    })().catch((error: unknown) =>
      this.logger.warn(`Alert ${type} not sent: ${(error as Error).message}`),
    );
  }

  private async send(body: string): Promise<void> {
    const url = this.config.alertUrl as string;
    const bytes = Buffer.from(body);
    for (let i = 0; ; i++) {
      const id = `msg_${randomUUID()}`;
      const timestamp = Math.floor(Date.now() / 1000);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...(this.config.alertSecret && {
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signStandardWebhook({
            secret: this.config.alertSecret,
            id,
            timestamp,
            body: bytes,
          }),
        }),
      };
      const result = await this.sender.send({
        url,
        method: 'POST',
        headers,
        body: bytes,
        timeoutMs: 10_000,
      });
      if (result.statusCode !== null && result.statusCode < 300) return;
      if (i >= RETRY_DELAYS_MS.length) {
        throw new Error(result.error?.message ?? `HTTP ${result.statusCode}`);
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[i]));
    }
  }

  private async eventIdOf(deliveryId: string | undefined): Promise<string | null> {
    if (!deliveryId) return null;
    const rows: { eventId: string }[] = await this.dataSource.query(
      `SELECT event_id AS "eventId" FROM deliveries WHERE id = $1`,
      [deliveryId],
    );
    return rows[0]?.eventId ?? null;
  }

  private async eventContext(eventId: string | null): Promise<Record<string, unknown> | null> {
    if (!eventId) return null;
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT e.id, e.method, e.path, e.query, e.headers, e.received_at AS "receivedAt",
              substring(e.body FROM 1 FOR ${EXCERPT_BYTES}) AS excerpt,
              s.id AS "sourceId", s.name AS "sourceName", s.slug AS "sourceSlug"
       FROM events e LEFT JOIN sources s ON s.id = e.source_id WHERE e.id = $1`,
      [eventId],
    );
    const e = rows[0];
    if (!e) return null;
    const { excerpt, sourceId, sourceName, sourceSlug, ...rest } = e;
    return {
      ...rest,
      source: sourceId ? { id: sourceId, name: sourceName, slug: sourceSlug } : null,
      bodyExcerpt: (excerpt as Buffer).toString('utf8'),
    };
  }

  private async destinationContext(id: string): Promise<Record<string, unknown> | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, name, url, disabled_at AS "disabledAt", disabled_reason AS "disabledReason",
              consecutive_failures AS "consecutiveFailures"
       FROM destinations WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }
}
