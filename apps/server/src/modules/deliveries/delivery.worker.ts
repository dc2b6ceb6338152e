import { InjectQueue } from '@nestjs/bull';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Queue } from 'bull';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import {
  ATTEMPT_JOB,
  BullConnections,
  BullDeliveryQueue,
  DELIVERY_QUEUE,
  JOBS_PER_SLOT,
  type DeliveryJob,
} from './delivery-queue';
import { DeliveryExecutor } from './delivery-executor';

/**
 * The Bull worker, started in processes whose role is `worker` or `all`: a job holds one
 * attempt, or a batch of attempts queued together (see `BullDeliveryQueue`), run by the
 * executor that the in-process transport shares. A batch's attempts each take a slot.
 */
@Injectable()
export class DeliveryWorker
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger(DeliveryWorker.name);
  private stopping = false;

  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue<DeliveryJob>,
    private readonly executor: DeliveryExecutor,
    private readonly transport: BullDeliveryQueue,
    private readonly connections: BullConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    // Bull's processing ends in a rejection when its blocking connection closes before it was
    // ever ready (Redis down from start to shutdown): said, never left unhandled.
    this.queue
      .process(ATTEMPT_JOB, this.config.workerConcurrency * JOBS_PER_SLOT, async ({ id, data }) => {
        if (!('attempts' in data)) {
          await this.executor.run(data);
          return;
        }
        // Shutting down, what the batch did not start goes back to the queue, for any worker.
        const notStarted = await this.executor.runAll(data.attempts);
        await this.transport.batchDone(String(id), data.attempts, notStarted);
      })
      .catch((error: unknown) => {
        if (this.stopping) return;
        this.logger.error(`The Bull worker stopped: ${(error as Error).message}`);
      });
  }

  /** First of the shutdown: from now on no attempt starts (the HTTP client closes next). */
  onModuleDestroy(): void {
    this.stopping = true;
    this.executor.stop();
  }

  /**
   * The attempts run here without a job, then Bull's running jobs, finish what they started, no
   * more; what they did not start goes back to the queue, which closes after them.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.transport.ranHere();
    await this.queue.close();
    await this.connections.close();
  }
}
