import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';

/** The shared ioredis client, or null when `REDIS_URL` is unset. */
export const REDIS = Symbol('REDIS');

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Redis | null =>
        config.redisUrl
          ? new Redis(config.redisUrl, {
              maxRetriesPerRequest: 1,
              enableOfflineQueue: true,
              lazyConnect: false,
            })
          : null,
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    // quit() on a client that is still reconnecting leaves its retry timer running.
    if (this.redis.status === 'ready')
      await this.redis.quit().catch(() => this.redis?.disconnect());
    else this.redis.disconnect();
  }
}
