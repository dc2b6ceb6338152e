import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from './redis.token';

/**
 * Requests-per-second limits (a source's ingest, a destination's deliveries),
 * shared by every process through Redis when it is configured, per process
 * otherwise. A Redis failure lets the request through: refusing a webhook or
 * stalling a delivery because a counter is unreachable would be worse.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // A Redis limiter defines its Lua command on the client when it is made. Made here, before
    // any command is sent: an auto-pipeline that ioredis opened for an earlier command of the
    // same tick would not have the command (ioredis #1931), and the limiter would fail open.
    if (redis) this.limiter('ingest', 1);
  }

  /** Null when allowed; otherwise the milliseconds to wait. */
  async consume(
    scope: 'ingest' | 'destination',
    key: string,
    perSecond: number,
  ): Promise<number | null> {
    try {
      await this.limiter(scope, perSecond).consume(key);
      return null;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
      this.logger.warn(`Rate limiter unavailable, let through: ${(error as Error).message}`);
      return null;
    }
  }

  private limiter(scope: string, points: number): RateLimiterAbstract {
    const name = `${scope}:${points}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const options = { points, duration: 1, keyPrefix: `${this.config.redisPrefix}:rl:${name}` };
      limiter = this.redis
        ? new RateLimiterRedis({ ...options, storeClient: this.redis, useRedisPackage: false })
        : new RateLimiterMemory(options);
      this.limiters.set(name, limiter);
    }
    return limiter;
  }
}
