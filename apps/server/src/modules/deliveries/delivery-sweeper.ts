import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryQueue } from './delivery-queue';

/** Per pass; what stays due is found again on the next pass. */
const BATCH = 5000;

/**
 * Finds deliveries that are due but not moving (their job was lost with Redis, or
 * never queued because a process died right after the commit) and in-flight ones
 * whose worker died (lease ended), and queues them again. Queueing twice is
 * harmless: the job id and the claim's attempt-number guard both dedupe.
 */
@Injectable()
export class DeliverySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliverySweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: DeliveryQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.timer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.timer.unref();
    void this.sweep();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass; returns how many deliveries were queued again. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let total = 0;
    try {
      const due = await this.deliveries.findDue(this.config.sweepIntervalMs, BATCH);
      total = await this.queue.requeue(due);
      if (total > 0) this.logger.log(`Queued ${total} due deliveries again`);
    } catch (error) {
      this.logger.warn(`Sweep failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
    return total;
  }
}
