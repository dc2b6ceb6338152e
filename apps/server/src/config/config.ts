import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { adminTokenFromDataDir } from './data-dir';

/**
 * The only place that reads `process.env`. Every variable is validated once at
 * boot into one typed object; a bad value stops the process with one line.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const urlWithProtocol = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const envSchema = z.object({
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
  HOOKYARD_HOST: z.string().min(1).optional(),
  HOOKYARD_PUBLIC_URL: urlWithProtocol(['http:', 'https:']).optional(),
  DATABASE_URL: urlWithProtocol(['postgres:', 'postgresql:']).optional(),
  HOOKYARD_DATA_DIR: z.string().min(1).default('.hookyard'),
  HOOKYARD_CONFIG: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: urlWithProtocol(['redis:', 'rediss:']).optional(),
  HOOKYARD_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1–64 letters, digits, or _ . : -')
    .default('hookyard'),
  HOOKYARD_ROLE: z
    .enum(['all', 'api', 'worker'], { error: 'must be all, api or worker' })
    .default('all'),
  HOOKYARD_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  HOOKYARD_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(100 * 1024 * 1024),
  HOOKYARD_TRUST_PROXY: z.string().default('false'),
  HOOKYARD_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .optional(),
  HOOKYARD_MIGRATE_ON_START: booleanFromEnv.default(true),
  HOOKYARD_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
  HOOKYARD_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  HOOKYARD_VACUUM_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(7 * 24 * 3_600_000)
    .default(10 * 60_000),
  HOOKYARD_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(100_000).default(50),
  HOOKYARD_ALERT_URL: urlWithProtocol(['http:', 'https:']).optional(),
  HOOKYARD_ALERT_SECRET: z
    .string()
    .regex(
      /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/,
      'must be a Standard Webhooks secret (whsec_ + base64)',
    )
    .optional(),
  HOOKYARD_DASHBOARD_DIR: z.string().min(1).optional(),
  HOOKYARD_ALLOW_PRIVATE_DESTINATIONS: booleanFromEnv.optional(),
  HOOKYARD_ALLOWED_DESTINATION_CIDRS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .refine(
      (list) =>
        list.every(
          (entry) => z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()]).safeParse(entry).success,
        ),
      {
        message: 'must be a comma-separated list of IP addresses or CIDR blocks',
      },
    ),
});

export type TrustProxy = boolean | string[] | number;

export interface AppConfig {
  /**
   * `standalone` when `DATABASE_URL` is unset: the embedded PGlite database in `dataDir`, one
   * process, defaults for local debugging. `production` otherwise.
   */
  mode: 'standalone' | 'production';
  port: number;
  host: string;
  publicUrl: string;
  /** Null in standalone mode. */
  databaseUrl: string | null;
  databasePoolSize: number;
  /** Standalone mode's folder: the embedded database, the generated admin token, the lock. */
  dataDir: string;
  /** A `hookyard.yaml` of sources, destinations and connections applied at start. */
  configFile: string | null;
  redisUrl: string | null;
  /** Prefix of every Redis key and channel (Bull queues, rate limits, the live stream). */
  redisPrefix: string;
  role: 'all' | 'api' | 'worker';
  adminToken: string;
  /** Ceiling for any source's `maxBodyBytes`. */
  maxBodyBytes: number;
  /** Fastify's `trustProxy`: false, true, a hop count, or the proxies' addresses/CIDRs. */
  trustProxy: TrustProxy;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  migrateOnStart: boolean;
  /** Deliveries one worker process sends at once. */
  workerConcurrency: number;
  /** How often the sweeper looks for deliveries that are due and not queued. */
  sweepIntervalMs: number;
  /** Standalone only: how often the embedded database is vacuumed and analyzed (it has no autovacuum). */
  vacuumIntervalMs: number;
  /** Consecutive failed attempts after which a destination is disabled. */
  disableAfterFailures: number;
  /** Where operator notices go (a delivery dead, a destination disabled), signed with `alertSecret`. */
  alertUrl: string | null;
  alertSecret: string | null;
  /** The built dashboard served at `/` (default: `dashboard/` beside the server's own folder in `dist/apps`). */
  dashboardDir: string;
  /** Lets forwarding reach private, loopback and link-local addresses (the SSRF guard's switch). */
  allowPrivateDestinations: boolean;
  /** Exceptions to the SSRF guard: addresses or CIDR blocks forwarding may reach even if private. */
  allowedDestinationCidrs: string[];
}

export class ConfigError extends Error {}

function parseTrustProxy(raw: string): TrustProxy {
  const value = raw.trim();
  if (value === 'false' || value === '') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim());
}

/**
 * `adminTokenFor` supplies standalone mode's token when `HOOKYARD_ADMIN_TOKEN` is unset: by
 * default the one kept in the data folder, generated on first start.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  adminTokenFor: (dataDir: string) => string = adminTokenFromDataDir,
): AppConfig {
  // An empty variable (`FOO=` in an env file) means unset, as for the shell.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    const message =
      issue.code === 'invalid_type' && set[name] === undefined ? 'is required' : issue.message;
    throw new ConfigError(`Invalid configuration: ${name} ${message}`);
  }
  const e = parsed.data;
  const standalone = e.DATABASE_URL === undefined;
  if (!standalone && e.HOOKYARD_ADMIN_TOKEN === undefined) {
    throw new ConfigError(
      'Invalid configuration: HOOKYARD_ADMIN_TOKEN is required with DATABASE_URL (the management API bearer token)',
    );
  }
  if (standalone && e.HOOKYARD_ROLE !== 'all') {
    throw new ConfigError(
      'Invalid configuration: HOOKYARD_ROLE must be all without DATABASE_URL (the embedded database belongs to one process)',
    );
  }
  const dataDir = resolve(e.HOOKYARD_DATA_DIR);
  return {
    mode: standalone ? 'standalone' : 'production',
    port: e.PORT,
    // Standalone is for a developer's machine: not reachable from the network unless asked.
    host: e.HOOKYARD_HOST ?? (standalone ? '127.0.0.1' : '0.0.0.0'),
    publicUrl: (e.HOOKYARD_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL ?? null,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir,
    configFile: e.HOOKYARD_CONFIG === undefined ? null : resolve(e.HOOKYARD_CONFIG),
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.HOOKYARD_REDIS_PREFIX,
    role: e.HOOKYARD_ROLE,
    adminToken: e.HOOKYARD_ADMIN_TOKEN ?? adminTokenFor(dataDir),
    maxBodyBytes: e.HOOKYARD_MAX_BODY_BYTES,
    trustProxy: parseTrustProxy(e.HOOKYARD_TRUST_PROXY),
    // Standalone's terminal shows the banner, not a log line per request: the dashboard has them.
    logLevel: e.HOOKYARD_LOG_LEVEL ?? (standalone ? 'warn' : 'info'),
    migrateOnStart: e.HOOKYARD_MIGRATE_ON_START,
    workerConcurrency: e.HOOKYARD_WORKER_CONCURRENCY,
    sweepIntervalMs: e.HOOKYARD_SWEEP_INTERVAL_MS,
    vacuumIntervalMs: e.HOOKYARD_VACUUM_INTERVAL_MS,
    disableAfterFailures: e.HOOKYARD_DISABLE_AFTER_FAILURES,
    alertUrl: e.HOOKYARD_ALERT_URL ?? null,
    alertSecret: e.HOOKYARD_ALERT_SECRET ?? null,
    dashboardDir:
      e.HOOKYARD_DASHBOARD_DIR ?? join(dirname(process.argv[1] ?? '.'), '..', 'dashboard'),
    // Standalone forwards to the developer's own services on localhost.
    allowPrivateDestinations: e.HOOKYARD_ALLOW_PRIVATE_DESTINATIONS ?? standalone,
    allowedDestinationCidrs: e.HOOKYARD_ALLOWED_DESTINATION_CIDRS,
  };
}
