import { resolve } from 'node:path';
import { loadConfig } from './config';

const base = {
  DATABASE_URL: 'postgres://u@db:5432/hookyard',
  HOOKYARD_ADMIN_TOKEN: 'a-long-enough-admin-token',
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      publicUrl: 'http://localhost:3000',
      redisUrl: null,
      role: 'all',
      maxBodyBytes: 100 * 1024 * 1024,
      trustProxy: false,
      migrateOnStart: true,
    });
  });

  it('runs standalone without DATABASE_URL: embedded database, local defaults, kept token', () => {
    const tokenFolders: string[] = [];
    const config = loadConfig({ HOOKYARD_DATA_DIR: 'data/hy' }, (dataDir) => {
      tokenFolders.push(dataDir);
      return 'a-token-kept-in-the-folder';
    });
    expect(config).toMatchObject({
      mode: 'standalone',
      databaseUrl: null,
      dataDir: resolve('data/hy'),
      host: '127.0.0.1',
      allowPrivateDestinations: true,
      logLevel: 'warn',
      adminToken: 'a-token-kept-in-the-folder',
    });
    expect(tokenFolders).toEqual([resolve('data/hy')]);
    // Set variables still win.
    expect(
      loadConfig(
        {
          HOOKYARD_ADMIN_TOKEN: 'an-admin-token-from-env',
          HOOKYARD_HOST: '0.0.0.0',
          HOOKYARD_ALLOW_PRIVATE_DESTINATIONS: 'false',
        },
        () => {
          throw new Error('the folder is not read when the token is set');
        },
      ),
    ).toMatchObject({
      adminToken: 'an-admin-token-from-env',
      host: '0.0.0.0',
      allowPrivateDestinations: false,
    });
  });

  it('is in production mode with DATABASE_URL: listens everywhere, private destinations refused', () => {
    expect(loadConfig(base)).toMatchObject({
      mode: 'production',
      databaseUrl: 'postgres://u@db:5432/hookyard',
      host: '0.0.0.0',
      allowPrivateDestinations: false,
      logLevel: 'info',
      configFile: null,
    });
    expect(loadConfig({ ...base, HOOKYARD_CONFIG: 'conf/hookyard.yaml' }).configFile).toBe(
      resolve('conf/hookyard.yaml'),
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ ...base, HOOKYARD_ALERT_URL: '', REDIS_URL: '', PORT: '' })).toMatchObject({
      alertUrl: null,
      redisUrl: null,
      port: 3000,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...base,
      PORT: '8080',
      HOOKYARD_HOST: '127.0.0.1',
      HOOKYARD_PUBLIC_URL: 'https://hooks.example.com/',
      REDIS_URL: 'redis://cache:6379',
      HOOKYARD_ROLE: 'api',
      HOOKYARD_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      HOOKYARD_MIGRATE_ON_START: 'false',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'https://hooks.example.com',
      redisUrl: 'redis://cache:6379',
      role: 'api',
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
      migrateOnStart: false,
    });
    expect(loadConfig({ ...base, HOOKYARD_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...base, HOOKYARD_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it.each([
    [
      { DATABASE_URL: undefined, HOOKYARD_ROLE: 'worker' },
      'Invalid configuration: HOOKYARD_ROLE must be all without DATABASE_URL',
    ],
    [
      { DATABASE_URL: 'mysql://x' },
      'Invalid configuration: DATABASE_URL must be a URL starting with postgres:// or postgresql://',
    ],
    [
      { HOOKYARD_ADMIN_TOKEN: undefined },
      'Invalid configuration: HOOKYARD_ADMIN_TOKEN is required with DATABASE_URL',
    ],
    [
      { HOOKYARD_ADMIN_TOKEN: 'short' },
      'Invalid configuration: HOOKYARD_ADMIN_TOKEN must be at least 16 characters',
    ],
    [{ PORT: 'eighty' }, 'Invalid configuration: PORT must be a port number'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT'],
    [
      { REDIS_URL: 'http://cache' },
      'Invalid configuration: REDIS_URL must be a URL starting with redis:// or rediss://',
    ],
    [{ HOOKYARD_ROLE: 'boss' }, 'Invalid configuration: HOOKYARD_ROLE must be all, api or worker'],
    [
      { HOOKYARD_MIGRATE_ON_START: 'maybe' },
      'Invalid configuration: HOOKYARD_MIGRATE_ON_START must be true or false',
    ],
    [
      { HOOKYARD_ALLOW_PRIVATE_DESTINATIONS: 'sometimes' },
      'Invalid configuration: HOOKYARD_ALLOW_PRIVATE_DESTINATIONS must be true or false',
    ],
  ])('refuses %j with one line naming the variable', (change, message) => {
    const env: Record<string, string | undefined> = { ...base, ...change };
    expect(() => loadConfig(env)).toThrow(message);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
