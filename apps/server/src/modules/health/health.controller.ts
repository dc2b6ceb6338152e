import { Controller, Get, Header, Inject } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type Redis from 'ioredis';
import { Public } from '../../common/public.decorator';
import { MetricsService } from '../metrics/metrics.service';
import { REDIS } from '../redis/redis.token';
import { checkReadiness } from './readiness';

@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicator: HealthIndicatorService,
    private readonly metrics: MetricsService,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  /** The process is up. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  /** PostgreSQL and (when configured) Redis answer; 503 otherwise. */
  @Get('readyz')
  @HealthCheck()
  readyz() {
    return checkReadiness(this.health, [
      () => this.db.pingCheck('database', { timeout: 2000 }),
      () => this.pingRedis(),
    ]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText() {
    return this.metrics.render();
  }

  private async pingRedis() {
    const check = this.indicator.check('redis');
    if (!this.redis) return check.up({ message: 'not configured' });
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('timeout after 2000 ms')), 2000).unref(),
        ),
      ]);
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
