import { Client } from 'pg';
import { createDataSource, runMigrations } from '../src/database/data-source';

/**
 * A fresh database per test run, migrated once; the tests truncate between cases.
 * TEST_DATABASE_ADMIN_URL points at a server where the user may CREATE DATABASE.
 */
export default async function globalSetup(): Promise<void> {
  const admin =
    process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `hookyard_test_${process.pid}_${Date.now()}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    // Databases left by earlier runs that were killed before their teardown.
    const stale = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'hookyard_test_%'`,
    );
    for (const { datname } of stale.rows) {
      const started = Number(datname.split('_').at(-1));
      if (Date.now() - started > 3600_000)
        await client.query(`DROP DATABASE IF EXISTS "${datname}"`);
    }
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  process.env.HOOKYARD_TEST_DATABASE_URL = url.toString();

  const dataSource = createDataSource({
    databaseUrl: url.toString(),
    databasePoolSize: 1,
    dataDir: '',
  });
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();
}
