import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Standalone mode's data folder (`HOOKYARD_DATA_DIR`, default `./.hookyard`):
 *
 *     admin-token    the management API token, generated on first start (mode 600)
 *     hookyard.lock  the pid of the process that has the folder open
 *     pgdata/        the embedded PostgreSQL database
 */
export class DataDirError extends Error {}

const TOKEN_FILE = 'admin-token';
const LOCK_FILE = 'hookyard.lock';

export const databaseDir = (dataDir: string) => join(dataDir, 'pgdata');

/** Creates the folder if needed; a folder that cannot be written is one clear line. */
export function prepareDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DataDirError(
      `The data folder ${dataDir} is not writable (${reason}): set HOOKYARD_DATA_DIR to a folder Hookyard may write`,
    );
  }
}

/** The token kept in the data folder, created on first use. */
export function adminTokenFromDataDir(dataDir: string): string {
  prepareDataDir(dataDir);
  const file = join(dataDir, TOKEN_FILE);
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 16) return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = `hky_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded database must have one process: a second one on the same folder would corrupt
 * it. Takes the folder's lock (a file holding this pid; a dead process's lock is taken over)
 * and returns its release.
 */
export function lockDataDir(dataDir: string): () => void {
  prepareDataDir(dataDir);
  const file = join(dataDir, LOCK_FILE);
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
        throw new DataDirError(
          `The data folder ${dataDir} is in use by another Hookyard (pid ${holder}): stop it, or set HOOKYARD_DATA_DIR to another folder`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataDirError(`Could not lock the data folder ${dataDir}`);
}
