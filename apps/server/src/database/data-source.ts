import { DataSource, MigrationExecutor, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/config';
import { databaseDir } from '../config/data-dir';
import { ConnectionEntity } from '../modules/connections/connection.entity';
import { AttemptEntity } from '../modules/deliveries/attempt.entity';
import { DeliveryEntity } from '../modules/deliveries/delivery.entity';
import { DestinationEntity } from '../modules/destinations/destination.entity';
import { EventEntity } from '../modules/events/event.entity';
import { SourceEntity } from '../modules/sources/source.entity';
import { migrations } from './migrations';
import { pgliteDriver } from './pglite-pool';

export const entities = [
  SourceEntity,
  DestinationEntity,
  ConnectionEntity,
  EventEntity,
  DeliveryEntity,
  AttemptEntity,
];

export type DatabaseConfig = Pick<AppConfig, 'databaseUrl' | 'databasePoolSize' | 'dataDir'>;

/** PostgreSQL at `DATABASE_URL`, or else the embedded PGlite in the data folder: one schema, one SQL. */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const connection =
    config.databaseUrl === null
      ? { driver: pgliteDriver(databaseDir(config.dataDir)) }
      : { url: config.databaseUrl };
  return {
    type: 'postgres',
    ...connection,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: { max: config.databasePoolSize },
  };
}

/** Any number of processes may start at once: one runs the migrations, the others wait. */
const MIGRATION_LOCK_KEY = 0x486f6f6b; // "Hook"

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    // On the connection that holds the lock: a pool of one must not wait for a second.
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const applied = await executor.executePendingMigrations();
    return applied.map((m) => m.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await runner.release();
  }
}

export function createDataSource(config: DatabaseConfig): DataSource {
  return new DataSource(dataSourceOptions(config));
}
