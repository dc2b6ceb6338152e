import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Client } from 'pg';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

/** The channel the `RoutingNotify` migration's triggers notify on. */
export const ROUTING_CHANNEL = 'hookyard_routing';

const RECONNECT_MS = 1_000;

/**
 * A generation number that moves whenever what decides where a request goes (sources,
 * connections, the destinations' paused, disabled, deleted or type) may have changed, so that
 * what was read before can be known stale.
 *
 * Writes in this process call `changed()` when they commit. Writes in any other process, or by
 * hand in SQL, reach this one through PostgreSQL: triggers on those tables `NOTIFY`, and this
 * process `LISTEN`s on a connection of its own. While that connection is down, `live` is false
 * and nothing should be trusted from before (standalone mode has one process and no listener).
 */
@Injectable()
export class RoutingChanges implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RoutingChanges.name);
  private generation = 0;
  private listener: Client | null = null;
  private listening = false;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get current(): number {
    return this.generation;
  }

  /** Whether changes made by other processes reach this one now. */
  get live(): boolean {
    return this.config.databaseUrl === null || this.listening;
  }

  changed(): void {
    this.generation++;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.databaseUrl !== null) await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl ?? undefined });
    this.listener = client;
    const lost = (reason: string) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.listening = false;
      this.changed();
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.logger.warn(`Routing change listener lost (${reason}), reconnecting`);
      this.retry = setTimeout(() => void this.listen(), RECONNECT_MS);
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('connection ended'));
    client.on('notification', () => this.changed());
    try {
      await client.connect();
      await client.query(`LISTEN ${ROUTING_CHANNEL}`);
      // Whatever changed while nobody listened.
      this.changed();
      this.listening = true;
    } catch (error) {
      lost((error as Error).message);
    }
  }
}

@Global()
@Module({ providers: [RoutingChanges], exports: [RoutingChanges] })
export class RoutingChangesModule {}
