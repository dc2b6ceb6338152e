import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const url = process.env.HOOKYARD_TEST_DATABASE_URL;
  if (!url) return;
  const name = new URL(url).pathname.slice(1);
  const client = new Client({
    connectionString:
      process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
