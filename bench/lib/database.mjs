// The bench's own PostgreSQL databases and Redis keys: created per run, dropped at the end.
import Redis from 'ioredis';
import pg from 'pg';

export const PG_ADMIN_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every name this bench creates starts so: `hookyard_bench_<pid>_<phase>`. */
export const PREFIX = 'hookyard_bench_';

export function databaseUrl(name) {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin(fn) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const quoted = (name) => {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name ${name}`);
  return `"${name}"`;
};

export function createDatabase(name) {
  return withAdmin((c) => c.query(`CREATE DATABASE ${quoted(name)}`));
}

export function dropDatabases(names) {
  return withAdmin(async (c) => {
    for (const name of names) await c.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
  });
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Databases left by earlier runs that were killed before they could clean up. */
export function dropLeftovers() {
  return withAdmin(async (c) => {
    const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${PREFIX}%`,
    ]);
    const stale = rows
      .map((r) => r.datname)
      .filter((name) => {
        const pid = Number(/^hookyard_bench_(\d+)_/.exec(name)?.[1]);
        return Number.isInteger(pid) && pid !== process.pid && !processAlive(pid);
      });
    for (const name of stale) await c.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
    return stale;
  });
}

export async function serverVersions() {
  const pgInfo = await withAdmin(async (c) => {
    const { rows } = await c.query(
      `SELECT current_setting('server_version') AS version,
              current_setting('fsync') AS fsync,
              current_setting('synchronous_commit') AS synchronous_commit,
              current_setting('shared_buffers') AS shared_buffers`,
    );
    return rows[0];
  });
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const info = await redis.info('server');
  redis.disconnect();
  return { postgres: pgInfo, redis: /redis_version:(\S+)/.exec(info)?.[1] ?? null };
}

/** Deletes every Redis key of this run (Bull queues, rate limits, stream channels). */
export async function clearRedisKeys(prefix) {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let deleted = 0;
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 })) {
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** A small pool on one bench database. */
export function pool(name, max = 2) {
  return new pg.Pool({ connectionString: databaseUrl(name), max });
}
