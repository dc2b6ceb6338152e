import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { RateLimiter } from './rate-limiter.service';

import { REDIS } from './redis.token';

/**
 * Says once that Redis is unreachable, and once that it is back, in the JSON log: with no
 * listener ioredis prints every failed reconnection to the console, unstructured.
 */
function watched(client: Redis): Redis {
  const logger = new Logger('Redis');
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`Redis is unreachable, reconnecting: ${error.message}`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log('Redis is reachable again');
  });
  return client;
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Redis | null =>
        config.redisUrl
          ? watched(
              new Redis(config.redisUrl, {
                maxRetriesPerRequest: 1,
                enableOfflineQueue: true,
                lazyConnect: false,
                // Commands issued in the same tick (each ingest's stream publish) share one write.
                enableAutoPipelining: true,
              }),
            )
          : null,
    },
    RateLimiter,
  ],
  exports: [REDIS, RateLimiter],
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
