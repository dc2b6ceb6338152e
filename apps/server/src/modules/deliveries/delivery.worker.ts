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
import { ATTEMPT_JOB, DELIVERY_QUEUE, type AttemptJob } from './delivery-queue';
import { DeliveryExecutor } from './delivery-executor';

/**
 * The Bull worker, started in processes whose role is `worker` or `all`: one
 * attempt per job, run by the executor that the in-process transport shares.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue<AttemptJob>,
    private readonly executor: DeliveryExecutor,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    void this.queue.process(ATTEMPT_JOB, this.config.workerConcurrency, (job) =>
      this.executor.run(job.data),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
