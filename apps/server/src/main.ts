import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createSourceSchema } from '@hookyard/contracts';
import { createApp } from './app/create-app';
import { ConfigError, loadConfig, type AppConfig } from './config/config';
import { DataDirError, lockDataDir } from './config/data-dir';
import {
  DeclaredConfigError,
  parseDeclaredConfig,
  type DeclaredConfig,
} from './config-as-code/declared-config';
import { DeclaredConfigService } from './config-as-code/declared-config.service';
import { createDataSource, runMigrations } from './database/data-source';
import { migrations } from './database/migrations';
import { SourcesService } from './modules/sources/sources.service';

/** Applies pending migrations; the open data source is handed back for the caller to close. */
async function migrate(config: AppConfig) {
  const dataSource = createDataSource({ ...config, databasePoolSize: 1 });
  await dataSource.initialize();
  try {
    return { applied: await runMigrations(dataSource), dataSource };
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

function readDeclaredConfig(file: string): DeclaredConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DeclaredConfigError(
      `Cannot read HOOKYARD_CONFIG ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  return parseDeclaredConfig(text, file, process.env);
}

/** Standalone's first start: a source to send something to straight away. */
async function createSampleSource(app: NestFastifyApplication): Promise<void> {
  await app
    .get(SourcesService)
    .create(createSourceSchema.parse({ name: 'Sample', slug: 'sample' }));
}

function banner(config: AppConfig, sample: boolean): string {
  const url = config.publicUrl;
  const lines = [
    config.mode === 'standalone'
      ? `Hookyard is running standalone (data in ${config.dataDir}, ${config.redisUrl ? 'Bull on Redis' : 'in-process delivery'})`
      : `Hookyard is running (role ${config.role}, ${config.redisUrl ? 'Bull on Redis' : 'in-process delivery'})`,
    `  Dashboard  ${url}/`,
    // Standalone's token lives in the local data folder; a production token is not echoed to logs.
    ...(config.mode === 'standalone' ? [`  Sign in    ${url}/#token=${config.adminToken}`] : []),
    `  Ingest     ${url}/in/<source slug>`,
    ...(sample
      ? [
          `  Try it     curl -X POST ${url}/in/sample -H 'content-type: application/json' -d '{"hello":"world"}'`,
        ]
      : []),
  ];
  return lines.join('\n');
}

/** How long a shutdown may take (requests in flight, the embedded database's checkpoint). */
const SHUTDOWN_TIMEOUT_MS = 15_000;

/**
 * SIGINT or SIGTERM closes the app once: a Ctrl-C reaches npm, `npm start` and the server
 * together, and a second signal must not cut the embedded database's close short.
 */
function closeOnSignal(app: NestFastifyApplication): void {
  let closing = false;
  const close = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: shutting down`);
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, close);
}

async function serve(config: AppConfig): Promise<void> {
  if (config.mode === 'standalone') {
    const release = lockDataDir(config.dataDir);
    process.once('exit', release);
  }
  // A bad file stops the start before anything is written.
  const declared = config.configFile ? readDeclaredConfig(config.configFile) : null;
  // The embedded database must be migrated, whatever HOOKYARD_MIGRATE_ON_START says.
  const migrated =
    config.migrateOnStart || config.mode === 'standalone' ? await migrate(config) : null;
  const freshDatabase = migrated?.applied.includes(migrations[0].name) ?? false;
  // Closed once the app holds its own connection: standalone's embedded database stays open.
  const app = await createApp(config, { shutdownHooks: false }).finally(() =>
    migrated?.dataSource.destroy(),
  );
  closeOnSignal(app);
  if (declared) await app.get(DeclaredConfigService).apply(declared);
  const sample = config.mode === 'standalone' && freshDatabase && !declared?.sources.length;
  if (sample) await createSampleSource(app);
  await app.listen({ port: config.port, host: config.host });
  console.log(banner(config, sample));
}

async function main(): Promise<void> {
  const config = loadConfig();
  const command = process.argv[2] ?? 'serve';
  if (command === 'migrate') {
    const { applied, dataSource } = await migrate(config);
    await dataSource.destroy();
    console.log(
      applied.length > 0 ? `Applied migrations: ${applied.join(', ')}` : 'Database is up to date',
    );
    return;
  }
  if (command !== 'serve')
    throw new ConfigError(`Unknown command "${command}" (expected serve or migrate)`);
  await serve(config);
}

/** A bad setting or an unreachable dependency is one clear line on stderr, never a stack trace. */
function describe(error: unknown): string {
  if (
    error instanceof ConfigError ||
    error instanceof DataDirError ||
    error instanceof DeclaredConfigError
  )
    return error.message;
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
