import { InjectQueue } from '@nestjs/bull';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Queue } from 'bull';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { ATTEMPT_JOB, BullConnections, DELIVERY_QUEUE, type AttemptJob } from './delivery-queue';
import { DeliveryExecutor } from './delivery-executor';

/**
 * Bull jobs run per slot of `workerConcurrency` (the requests a worker has out at once). A job
 * holds its slot only from its claim to the end of its request (`DeliveryExecutor`); the
 * second job per slot records its outcome, finishes in Redis and fetches the next one
 * meanwhile, so the slots stay busy with requests rather than with bookkeeping.
 */
const JOBS_PER_SLOT = 2;

/**
 * The Bull worker, started in processes whose role is `worker` or `all`: one
 * attempt per job, run by the executor that the in-process transport shares.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue<AttemptJob>,
    private readonly executor: DeliveryExecutor,
    private readonly connections: BullConnections,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    void this.queue.process(ATTEMPT_JOB, this.config.workerConcurrency * JOBS_PER_SLOT, (job) =>
      this.executor.run(job.data),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connections.close();
  }
}
