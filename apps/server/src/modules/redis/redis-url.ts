import type { RedisOptions } from 'ioredis';

/**
 * ioredis options from a `redis://` or `rediss://` URL (user, password, database, TLS), for
 * clients made from options rather than a URL: Bull's (`BullConnections`). Bull parses a URL
 * itself, but drops the TLS of `rediss:`.
 */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  const database = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(parsed.username !== '' && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password !== '' && { password: decodeURIComponent(parsed.password) }),
    ...(database !== '' && { db: Number(database) }),
    // Node checks the certificate against `host`.
    ...(parsed.protocol === 'rediss:' && { tls: {} }),
  };
}
