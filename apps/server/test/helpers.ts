import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { createApp, type RouteInfo } from '../src/app/create-app';
import { loadConfig, type AppConfig } from '../src/config/config';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export function testDatabaseUrl(): string {
  const url = process.env.HOOKYARD_TEST_DATABASE_URL;
  if (!url)
    throw new Error('HOOKYARD_TEST_DATABASE_URL is not set: run through jest (global setup)');
  return url;
}

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN,
    HOOKYARD_PUBLIC_URL: 'https://hooks.example.test',
    HOOKYARD_LOG_LEVEL: 'silent',
    PORT: '0',
    // One queue, stream channel and rate-limit namespace per test run, shared by its servers.
    HOOKYARD_REDIS_PREFIX: `hytest-${new URL(testDatabaseUrl()).pathname.slice(1)}`,
    // Targets are loopback servers; the SSRF tests turn this off.
    HOOKYARD_ALLOW_PRIVATE_DESTINATIONS: 'true',
    HOOKYARD_SWEEP_INTERVAL_MS: '300',
    ...overrides,
  });
}

export interface TestServer {
  app: NestFastifyApplication;
  url: string;
  routes: RouteInfo[];
  /** fetch against the server with the admin token. */
  api: (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>;
  /** POST JSON with the admin token; any status but `expected` throws with the body. */
  post: <T>(path: string, json: unknown, expected?: number) => Promise<T>;
  /** GET with the admin token; any status but 200 throws with the body. */
  get: <T>(path: string) => Promise<T>;
  close: () => Promise<void>;
}

/**
 * The real application on a real loopback port, against the test database. `withoutRedis`
 * runs it as if `REDIS_URL` were unset (the schema refuses an empty one).
 */
export async function startServer(
  overrides: Record<string, string> = {},
  options: { withoutRedis?: boolean } = {},
): Promise<TestServer> {
  const routes: RouteInfo[] = [];
  const config = testConfig(overrides);
  const app = await createApp(options.withoutRedis ? { ...config, redisUrl: null } : config, {
    routes,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, headers, ...rest } = init;
    return fetch(`${url}${path}`, {
      ...rest,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(json !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
  };
  const post = async <T>(path: string, json: unknown, expected = 201): Promise<T> => {
    const res = await api(path, { method: 'POST', json });
    if (res.status !== expected) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const get = async <T>(path: string): Promise<T> => {
    const res = await api(path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return { app, url, routes, api, post, get, close: () => app.close() };
}

/** An INSERT of a source named and slugged `slug`, with no verification, returning its id (a CTE's body). */
export const insertSourceSql = (slug: string) =>
  `INSERT INTO sources (id, name, slug, verification, max_body_bytes, dedupe, created_at, updated_at)
   VALUES (gen_random_uuid(), '${slug}', '${slug}', '{"type":"none"}', 1048576, '{}', now(), now()) RETURNING id`;

/** An INSERT of an HTTP destination named `name` (nothing listens at its URL), returning its id (a CTE's body). */
export const insertDestinationSql = (name: string) =>
  `INSERT INTO destinations (id, name, url, timeout_ms, retry)
   VALUES (gen_random_uuid(), '${name}', 'http://127.0.0.1:9/hook', 10000, '{}') RETURNING id`;

/** A plain connection of its own: what another process would see. */
export async function withDb<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Empties every table. The servers of a test keep working in the background (sweeps, deliveries),
 * and a statement that locks two of these tables in another order than TRUNCATE (ingest locks
 * `events` before `deliveries`) can meet it: PostgreSQL then aborts one of the two as a
 * deadlock, and if that is the TRUNCATE it runs again.
 */
export async function truncateAll(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withDb((c) =>
        c.query(
          'TRUNCATE attempts, deliveries, events, connections, destinations, sources CASCADE',
        ),
      );
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt === 5) throw error;
    }
  }
}
