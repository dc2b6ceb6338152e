/** The shared ioredis client, or null when `REDIS_URL` is unset. */
export const REDIS = Symbol('REDIS');
