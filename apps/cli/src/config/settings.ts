import { CliError } from '../cli-error';
import type { StoredConfig } from './config-store';

/** Where the CLI finds its server. */
export interface Settings {
  /** The server's base URL, without a trailing slash. */
  url: string;
  token: string;
}

/**
 * A Hookyard URL as typed (`http://localhost:8080/`), checked and without its trailing slash.
 * `what` names where it came from, for the error.
 */
export function normalizeServerUrl(value: string, what = 'The Hookyard URL'): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new CliError(`${what} "${value}" is not a URL: expected http(s)://host[:port]`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`${what} "${value}" is not an http(s) URL`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new CliError(`${what} "${value}" must not have a query or a fragment`);
  }
  return url.toString().replace(/\/+$/, '');
}

/** `HOOKYARD_URL` and `HOOKYARD_TOKEN` override what `hookyard login` stored. */
export function resolveSettings(env: NodeJS.ProcessEnv, stored: StoredConfig): Settings {
  const url = env.HOOKYARD_URL || stored.url;
  const token = env.HOOKYARD_TOKEN || stored.token;
  if (!url || !token) {
    throw new CliError(
      'Not logged in: run `hookyard login --url <hookyard url> --token <token>` (or set HOOKYARD_URL and HOOKYARD_TOKEN)',
    );
  }
  return {
    url: normalizeServerUrl(url, env.HOOKYARD_URL ? 'HOOKYARD_URL' : 'The stored Hookyard URL'),
    token,
  };
}
