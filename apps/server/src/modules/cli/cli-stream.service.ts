import { Injectable, Logger, type MessageEvent, type OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject, takeUntil } from 'rxjs';
import { NotFoundError } from '../../common/domain-errors';
import { RoutingChanges } from '../../database/routing-changes';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import { CliPresence } from '../destinations/cli-presence';
import { DestinationsRepository } from '../destinations/destinations.repository';
import { StreamService } from '../stream/stream.service';
import { CliRepository } from './cli.repository';
import { parseCliEventId } from './cli-delivery.mapper';
import { CliDeliveryStream, type CliStreamDeps } from './cli-delivery-stream';

/** Serves the CLI's delivery streams, and ends them (giving back what they hold) at shutdown. */
@Injectable()
export class CliStreamService implements OnModuleDestroy {
  private readonly logger = new Logger(CliStreamService.name);
  private readonly closing = new Subject<void>();
  /** Streams ending now: shutdown waits for them to give their deliveries back. */
  private readonly stopping = new Set<Promise<void>>();
  private readonly deps: CliStreamDeps;

  constructor(
    deliveries: DeliveriesRepository,
    private readonly destinations: DestinationsRepository,
    cli: CliRepository,
    presence: CliPresence,
    stream: StreamService,
    routing: RoutingChanges,
  ) {
    this.deps = { deliveries, destinations, cli, presence, stream, routing, logger: this.logger };
  }

  /**
   * The stream of a CLI destination's deliveries (404 for any other destination).
   * `lastEventId`: the `Last-Event-ID` a reconnecting CLI sends.
   */
  async open(
    destinationId: string,
    lastEventId: string | undefined,
  ): Promise<Observable<MessageEvent>> {
    const destination = await this.destinations.findById(destinationId);
    if (destination?.type !== 'cli')
      throw new NotFoundError(`CLI destination ${destinationId} not found`);
    const lastEvent = parseCliEventId(lastEventId);
    return new Observable<MessageEvent>((subscriber) => {
      const stream = new CliDeliveryStream(this.deps, destination, lastEvent, subscriber);
      stream.start();
      return () => {
        const stopped = stream.stop();
        this.stopping.add(stopped);
        void stopped.finally(() => this.stopping.delete(stopped));
      };
    }).pipe(takeUntil(this.closing));
  }

  async onModuleDestroy(): Promise<void> {
    this.closing.next();
    this.closing.complete();
    await Promise.allSettled([...this.stopping]);
  }
}
