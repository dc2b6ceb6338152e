import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, testDatabaseUrl } from './helpers';

/** The built server (`nx build server` runs before these tests: the test target depends on it). */
const MAIN = join(__dirname, '../../../dist/apps/server/main.js');

function run(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOOKYARD_LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the server process', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npx nx build server" first`);
  });

  it.each([
    [
      { DATABASE_URL: 'postgres://127.0.0.1:5432/x' },
      'Invalid configuration: HOOKYARD_ADMIN_TOKEN is required with DATABASE_URL (the management API bearer token)',
    ],
    [
      { HOOKYARD_ROLE: 'worker', HOOKYARD_DATA_DIR: '/tmp/hookyard-never-created' },
      'Invalid configuration: HOOKYARD_ROLE must be all without DATABASE_URL (the embedded database belongs to one process)',
    ],
    [
      { HOOKYARD_DATA_DIR: '/dev/null/hookyard' },
      'The data folder /dev/null/hookyard is not writable (ENOTDIR): set HOOKYARD_DATA_DIR to a folder Hookyard may write',
    ],
    [
      { DATABASE_URL: 'postgres://127.0.0.1:5432/x', HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN, PORT: 'x' },
      'Invalid configuration: PORT must be a port number',
    ],
  ])('stops on a bad setting with one clear line and no stack trace: %j', async (env, line) => {
    const { code, stderr } = await run(env);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(line);
  });

  it('says in one line when the database does not answer', async () => {
    const { code, stderr } = await run({
      DATABASE_URL: 'postgres://127.0.0.1:1/none',
      HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('connection refused');
  });

  it('applies migrations with the migrate command, idempotently', async () => {
    const env = { DATABASE_URL: testDatabaseUrl(), HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN };
    const { code, stdout } = await run(env, ['migrate']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('Database is up to date');
  });
});
