import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

/**
 * Standalone's embedded database has no autovacuum: PGlite runs PostgreSQL as one backend,
 * without the launcher. Left alone, dead row versions and their index entries pile up, no table
 * is ever analyzed, and the transaction counter would one day near the wraparound limit, where
 * PostgreSQL stops taking writes. So this process runs `VACUUM (ANALYZE)` on the whole database
 * a minute after start, then every `vacuumIntervalMs`. It holds the one session while it runs
 * (milliseconds for thousands of changed rows, seconds for millions); requests wait, none fail.
 * A server on PostgreSQL leaves this to autovacuum.
 */
@Injectable()
export class EmbeddedMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EmbeddedMaintenance.name);
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.databaseUrl !== null) return;
    const first = setTimeout(
      () => void this.vacuum(),
      Math.min(60_000, this.config.vacuumIntervalMs),
    );
    const every = setInterval(() => void this.vacuum(), this.config.vacuumIntervalMs);
    this.timers = [first, every];
    for (const timer of this.timers) timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.running;
  }

  /** One pass (a pass already running is not started twice). */
  vacuum(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<void> {
    const started = performance.now();
    try {
      await this.dataSource.query('VACUUM (ANALYZE)');
      this.logger.log(
        `Vacuumed the embedded database in ${Math.round(performance.now() - started)} ms`,
      );
    } catch (error) {
      this.logger.warn(`Vacuuming the embedded database failed: ${(error as Error).message}`);
    }
  }
}
