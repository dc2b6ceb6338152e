import 'reflect-metadata';
import { createApp } from './app/create-app';
import { ConfigError, loadConfig, type AppConfig } from './config/config';
import { createDataSource, runMigrations } from './database/data-source';

/** Applies pending migrations from a short-lived connection, then closes it. */
async function migrate(config: AppConfig): Promise<string[]> {
  const dataSource = createDataSource({ ...config, databasePoolSize: 1 });
  await dataSource.initialize();
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const command = process.argv[2] ?? 'serve';
  if (command === 'migrate') {
    const applied = await migrate(config);
    console.log(
      applied.length > 0 ? `Applied migrations: ${applied.join(', ')}` : 'Database is up to date',
    );
    return;
  }
  if (command !== 'serve')
    throw new ConfigError(`Unknown command "${command}" (expected serve or migrate)`);
  if (config.migrateOnStart) await migrate(config);
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  console.log(`Hookyard listening on ${config.publicUrl} (ingest: ${config.publicUrl}/in/<slug>)`);
}

/** A bad setting or an unreachable dependency is one clear line on stderr, never a stack trace. */
function describe(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e.code === 'EADDRINUSE')
    return `Port ${e.port ?? ''} is already in use (set PORT to another port)`;
  if (e.code === 'ECONNREFUSED')
    return `Cannot connect to ${e.address ?? 'a service'}:${e.port ?? ''}: connection refused (check DATABASE_URL / REDIS_URL)`;
  if (e.code === '28P01' || e.code === '3D000' || e.code === 'ENOTFOUND')
    return `Cannot connect to the database: ${e.message}`;
  return `Hookyard failed to start: ${e.message ?? String(error)}`;
}

main().catch((error: unknown) => {
  console.error(describe(error));
  process.exit(1);
});
