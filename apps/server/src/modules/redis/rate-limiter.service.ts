import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { REDIS } from '../redis/redis.module';

/**
 * A per-source requests-per-second limit, shared by every API process through Redis
 * when it is configured, per process otherwise. A Redis failure lets the request
 * through: a refused webhook is one the provider may drop.
 */
@Injectable()
export class IngestRateLimiter {
  private readonly logger = new Logger(IngestRateLimiter.name);
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  /** Null when allowed; otherwise the seconds to wait (for `Retry-After`). */
  async consume(sourceId: string, perSecond: number): Promise<number | null> {
    try {
      await this.limiter(perSecond).consume(sourceId);
      return null;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      this.logger.warn(
        `Rate limiter unavailable, request let through: ${(error as Error).message}`,
      );
      return null;
    }
  }

  private limiter(points: number): RateLimiterAbstract {
    let limiter = this.limiters.get(String(points));
    if (!limiter) {
      const options = { points, duration: 1, keyPrefix: `hookyard:ingest-rl:${points}` };
      limiter = this.redis
        ? new RateLimiterRedis({ ...options, storeClient: this.redis, useRedisPackage: false })
        : new RateLimiterMemory(options);
      this.limiters.set(String(points), limiter);
    }
    return limiter;
  }
}
