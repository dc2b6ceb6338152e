import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service';
import { DeliveryQueue } from './delivery-queue';

/** Gauges read at scrape time: what waits in the queue, and how many deliveries are dead. */
@Injectable()
export class DeliveryMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly queue: DeliveryQueue,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge(
      'hookyard_delivery_queue_depth',
      'Attempts waiting, delayed or running in the queue',
      () => this.queue.depth(),
    );
    this.metrics.gauge(
      'hookyard_deliveries_dead',
      'Deliveries that used up their attempts',
      async () => {
        const [row] = (await this.dataSource.query(
          `SELECT count(*)::int AS n FROM deliveries WHERE status = 'dead'`,
        )) as { n: number }[];
        return row.n;
      },
    );
  }
}
