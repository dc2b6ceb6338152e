import { InjectQueue } from '@nestjs/bull';
import {
  Inject,
  Injectable,
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
  type DeliveryJob,
} from './delivery-queue';
import { DeliveryExecutor } from './delivery-executor';

/**
 * Bull jobs run per slot of `workerConcurrency` (the requests a worker has out at once). An
 * attempt holds its slot only from its claim to the end of its request (`DeliveryExecutor`);
 * the second job per slot records its outcome, finishes in Redis and fetches the next one
 * meanwhile, so the slots stay busy with requests rather than with bookkeeping. A batch job's
 * attempts wait for slots of their own, unclaimed, so a worker holds at most this many jobs'
 * worth of attempts (`BATCH_JOB_SIZE` each).
 */
const JOBS_PER_SLOT = 2;

/**
 * The Bull worker, started in processes whose role is `worker` or `all`: a job holds one
 * attempt, or a batch of attempts queued together (see `BullDeliveryQueue`), run by the
 * executor that the in-process transport shares. A batch's attempts each take a slot.
 */
@Injectable()
export class DeliveryWorker
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue<DeliveryJob>,
    private readonly executor: DeliveryExecutor,
    private readonly transport: BullDeliveryQueue,
    private readonly connections: BullConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    void this.queue.process(
      ATTEMPT_JOB,
      this.config.workerConcurrency * JOBS_PER_SLOT,
      async ({ id, data }) => {
        if (!('attempts' in data)) {
          await this.executor.run(data);
          return;
        }
        // Shutting down, what the batch did not start goes back to the queue, for any worker.
        const notStarted = await this.executor.runAll(data.attempts);
        await this.transport.batchDone(String(id), data.attempts, notStarted);
      },
    );
  }

  /** First of the shutdown: from now on no attempt starts (the HTTP client closes next). */
  onModuleDestroy(): void {
    this.executor.stop();
  }

  /** Bull's close waits for the running jobs: they finish what they started, no more. */
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connections.close();
  }
}
