import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from '../cli-error';

/** What `hookyard login` keeps; `clientId` identifies this installation to the server. */
export interface StoredConfig {
  url?: string;
  token?: string;
  clientId?: string;
}

/**
 * The user's config folder for Hookyard, as each platform expects it: `%APPDATA%\hookyard` on
 * Windows, `~/Library/Preferences/hookyard` on macOS, `$XDG_CONFIG_HOME/hookyard` (default
 * `~/.config/hookyard`) elsewhere.
 */
export function configDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'hookyard');
  }
  if (platform === 'darwin') {
    return join(home, 'Library', 'Preferences', 'hookyard');
  }
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'hookyard');
}

export function configPath(dir: string = configDir()): string {
  return join(dir, 'config.json');
}

/** A client id the server accepts: 22 URL-safe base64 characters. */
export function newClientId(): string {
  return randomBytes(16).toString('base64url');
}

export class ConfigStore {
  constructor(readonly path: string = configPath()) {}

  /** The stored settings; `{}` before the first login. */
  read(): StoredConfig {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new CliError(`Cannot read ${this.path}: ${(error as Error).message}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error('not a JSON object');
      }
      const { url, token, clientId } = parsed as Record<string, unknown>;
      return {
        ...(typeof url === 'string' && { url }),
        ...(typeof token === 'string' && { token }),
        ...(typeof clientId === 'string' && { clientId }),
      };
    } catch (error) {
      throw new CliError(
        `${this.path} is not valid (${(error as Error).message}): fix it, or delete it and log in again`,
      );
    }
  }

  /**
   * Merges `changes` into the file, readable by the user only (0600, its folder 0700): it
   * holds a token. Written to a temporary file first, so a crash never leaves half a file.
   */
  write(changes: StoredConfig): StoredConfig {
    const next = { ...this.read(), ...changes };
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
    return next;
  }

  /** This installation's client id, created and kept on first use. */
  clientId(): string {
    const stored = this.read().clientId;
    if (stored !== undefined && /^[A-Za-z0-9_-]{8,64}$/.test(stored)) return stored;
    const clientId = newClientId();
    this.write({ clientId });
    return clientId;
  }
}
