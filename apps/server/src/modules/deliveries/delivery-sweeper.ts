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
 * The oldest overdue deliveries a pass looks at first. Jobs run about oldest due first, so
 * when all of these are still queued, a backlog is only waiting its turn, and the pass stops
 * there: a queued backlog costs this many rows and key checks per pass, not `BATCH`.
 */
export const SWEEP_PROBE = 100;

/**
 * Finds deliveries that are due but not moving (their job was lost with Redis, or
 * never queued because a process died right after the commit) and in-flight ones
 * whose worker died (lease ended), and queues them again. Queueing twice is
 * harmless: the job id and the claim's attempt-number guard both dedupe. It runs only with a
 * transport that can lose jobs (Bull); the database transport's loop claims what is due itself.
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
    if (this.config.role === 'api' || !this.queue.losesJobs) return;
    this.timer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.timer.unref();
    void this.sweep();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * One pass; returns how many deliveries were queued again. Those whose worker's lease ran out
   * always are. Overdue ones are looked at oldest first: past the probe only when some of the
   * oldest were lost (Redis lost its data, say). A single lost job behind a queued backlog is
   * found once the backlog ahead of it has run.
   */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let total = 0;
    try {
      total += await this.queue.requeue(await this.deliveries.findLeaseEnded(BATCH));
      const graceMs = this.config.sweepIntervalMs;
      const oldest = await this.deliveries.findOverdue(graceMs, SWEEP_PROBE);
      const lost = await this.queue.requeue(oldest);
      total += lost;
      if (lost > 0 && oldest.length === SWEEP_PROBE) {
        // Those just queued again are held now, and skipped.
        total += await this.queue.requeue(await this.deliveries.findOverdue(graceMs, BATCH));
      }
      if (total > 0) this.logger.log(`Queued ${total} due deliveries again`);
    } catch (error) {
      this.logger.warn(`Sweep failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
    return total;
  }
}
