import { BullModule } from '@nestjs/bull';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { AppConfig } from '../../config/config';
import { DestinationsModule } from '../destinations/destinations.module';
import { EventsModule } from '../events/events.module';
import { redisOptionsFromUrl } from '../redis/redis-url';
import { AlertsService } from './alerts.service';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveriesService } from './deliveries.service';
import { DeliveryExecutor } from './delivery-executor';
import {
  BullConnections,
  BullDeliveryQueue,
  DELIVERY_QUEUE,
  DeliveryExecutorToken,
  DeliveryQueue,
} from './delivery-queue';
import { DatabaseDeliveryQueue } from './database-delivery-queue';
import { DeliveryMetrics } from './delivery-metrics';
import { DeliverySweeper } from './delivery-sweeper';
import { DeliveryWorker } from './delivery.worker';
import { HttpSender } from './http-sender';

/**
 * Forwarding. With Redis, attempts travel as Bull jobs and `DeliveryWorker` runs
 * them (those due now run in the process that queues them, if it runs a worker and has
 * room); without, `DatabaseDeliveryQueue` claims due deliveries from the database.
 * One executor behind both; the sweeper recovers what Bull lost, and PostgreSQL
 * decides what happens.
 */
@Module({})
export class DeliveriesModule {
  static forRoot(config: AppConfig): DynamicModule {
    const connections = new BullConnections();
    const transport: Provider[] = config.redisUrl
      ? [
          { provide: BullConnections, useValue: connections },
          BullDeliveryQueue,
          { provide: DeliveryQueue, useExisting: BullDeliveryQueue },
          DeliveryWorker,
        ]
      : [DatabaseDeliveryQueue, { provide: DeliveryQueue, useExisting: DatabaseDeliveryQueue }];
    return {
      module: DeliveriesModule,
      global: true,
      imports: [
        DestinationsModule,
        EventsModule,
        ...(config.redisUrl
          ? [
              BullModule.forRoot({
                redis: redisOptionsFromUrl(config.redisUrl),
                prefix: config.redisPrefix,
                createClient: connections.create,
              }),
              BullModule.registerQueue({
                name: DELIVERY_QUEUE,
                defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
              }),
            ]
          : []),
      ],
      controllers: [DeliveriesController],
      providers: [
        ...transport,
        DeliveriesRepository,
        DeliveriesService,
        DeliveryExecutor,
        { provide: DeliveryExecutorToken, useExisting: DeliveryExecutor },
        DeliverySweeper,
        HttpSender,
        AlertsService,
        DeliveryMetrics,
      ],
      exports: [DeliveryQueue, DeliveriesRepository, DeliveryExecutor, HttpSender, DeliverySweeper],
    };
  }
}
