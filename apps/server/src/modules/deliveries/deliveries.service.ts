import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type {
  BulkRetry,
  DeliveryDetailResponse,
  DeliveryResponse,
  ListDeliveriesQuery,
  Page,
  Replay,
} from '@hookyard/contracts';
import { ConflictError, NotFoundError, PayloadTooLargeError } from '../../common/domain-errors';
import { decodeCursor, toPage } from '../../common/keyset-cursor';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { DestinationsRepository } from '../destinations/destinations.repository';
import { EventsRepository } from '../events/events.repository';
import { StreamService } from '../stream/stream.service';
import { DeliveriesRepository, type DueDelivery } from './deliveries.repository';
import { toDeliveryDetail, toDeliveryResponse, toReplayOverride } from './delivery.mapper';
import { DeliveryQueue } from './delivery-queue';

/** Manual control: read deliveries, retry, cancel, replay, test a destination. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly destinations: DestinationsRepository,
    private readonly events: EventsRepository,
    private readonly queue: DeliveryQueue,
    private readonly stream: StreamService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(filter: ListDeliveriesQuery): Promise<Page<DeliveryResponse>> {
    const rows = await this.deliveries.list(
      filter,
      filter.cursor ? decodeCursor(filter.cursor) : null,
    );
    return toPage(rows, filter.limit, (r) => ({ at: r.createdAt, id: r.id }), toDeliveryResponse);
  }

  async get(id: string): Promise<DeliveryDetailResponse> {
    const delivery = await this.deliveries.findById(id);
    if (!delivery) throw NotFoundError.of('Delivery', id);
    const override = delivery.edited ? await this.deliveries.findOverride(id) : null;
    return toDeliveryDetail(
      delivery,
      await this.deliveries.findAttempts(id),
      override && toReplayOverride(override),
    );
  }

  /** One more attempt, now. Retrying a delivery that is already scheduled changes nothing. */
  async retry(id: string): Promise<{ id: string; status: 'scheduled' }> {
    const due = await this.deliveries.retry(id);
    if (due) {
      await this.schedule([due]);
      return { id, status: 'scheduled' };
    }
    const delivery = await this.deliveries.findById(id);
    if (!delivery) throw NotFoundError.of('Delivery', id);
    if (delivery.status === 'delivering')
      throw new ConflictError('The delivery is being attempted right now');
    return { id, status: 'scheduled' };
  }

  async bulkRetry(filter: BulkRetry): Promise<{ count: number }> {
    const due = await this.deliveries.bulkRetry(filter);
    await this.schedule(due);
    return { count: due.length };
  }

  async cancel(id: string): Promise<DeliveryResponse> {
    if (!(await this.deliveries.cancel(id))) {
      const delivery = await this.deliveries.findById(id);
      if (!delivery) throw NotFoundError.of('Delivery', id);
      throw new ConflictError(`A ${delivery.status} delivery cannot be cancelled`);
    }
    return this.published(id);
  }

  /**
   * A new delivery of a stored event, to a destination or to an ad-hoc URL (one try). An
   * edited replay keeps its headers and body on the delivery: the event stays as received.
   */
  async replay(eventId: string, replay: Replay): Promise<{ deliveryId: string }> {
    const overrideBody =
      replay.body === undefined ? null : Buffer.from(replay.body, replay.bodyEncoding ?? 'utf8');
    if (overrideBody && overrideBody.length > this.config.maxBodyBytes) {
      throw new PayloadTooLargeError(
        `body: must be at most ${this.config.maxBodyBytes} bytes (HOOKYARD_MAX_BODY_BYTES)`,
      );
    }
    if (!(await this.events.exists(eventId))) throw NotFoundError.of('Event', eventId);
    const destinationId = replay.destinationId ?? null;
    if (destinationId && !(await this.destinations.findById(destinationId))) {
      throw NotFoundError.of('Destination', destinationId);
    }
    const deliveryId = randomUUID();
    await this.deliveries.insertReplay({
      id: deliveryId,
      eventId,
      destinationId,
      url: replay.url ?? null,
      overrideHeaders: replay.headers ?? null,
      overrideBody,
    });
    await this.schedule([{ id: deliveryId, attempt: 1 }]);
    return { deliveryId };
  }

  /** Sends a signed sample event to a destination, recorded like any delivery. */
  async sendTest(destinationId: string): Promise<{ eventId: string; deliveryId: string }> {
    if (!(await this.destinations.findById(destinationId)))
      throw NotFoundError.of('Destination', destinationId);
    const eventId = randomUUID();
    const body = Buffer.from(
      JSON.stringify({
        type: 'hookyard.test',
        id: eventId,
        sentAt: new Date().toISOString(),
        message: 'A test event from Hookyard',
      }),
    );
    await this.events.insertIngested({
      id: eventId,
      sourceId: null,
      receivedAt: new Date(),
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['Content-Type', 'application/json'],
        ['User-Agent', 'Hookyard'],
      ],
      body,
      contentType: 'application/json',
      sourceIp: null,
      status: 'accepted',
      rejection: null,
      dedupeKey: null,
      handshake: null,
    });
    const deliveryId = randomUUID();
    await this.deliveries.insert([{ id: deliveryId, eventId, destinationId, url: null }]);
    await this.schedule([{ id: deliveryId, attempt: 1 }]);
    return { eventId, deliveryId };
  }

  private async schedule(due: DueDelivery[]): Promise<void> {
    await this.queue.enqueue(due);
    for (const d of due.slice(0, 100)) await this.published(d.id);
  }

  private async published(id: string): Promise<DeliveryResponse> {
    const delivery = await this.deliveries.findById(id);
    if (!delivery) throw NotFoundError.of('Delivery', id);
    const response = toDeliveryResponse(delivery);
    this.stream.publish({ type: 'delivery.updated', data: response });
    return response;
  }
}
