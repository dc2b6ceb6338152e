import type { Page, SourceResponse } from '@hookyard/contracts';
import { ApiClient } from '../api/api-client';
import { CliError } from '../cli-error';
import { ConfigStore, newClientId } from '../config/config-store';
import { normalizeServerUrl } from '../config/settings';
import { printLine, printStatus } from '../output';

/**
 * `hookyard login --url --token`: checks the pair against the server (a token it refuses is
 * never stored), then keeps it in the user's config file, with this installation's client id.
 */
export async function login(
  options: { url: string; token: string },
  store: ConfigStore = new ConfigStore(),
): Promise<void> {
  const url = normalizeServerUrl(options.url);
  const token = options.token.trim();
  if (token === '') throw new CliError('The token is empty');
  const sources = await new ApiClient({ url, token }).get<Page<SourceResponse>>('/api/v1/sources');
  store.write({ url, token, clientId: store.read().clientId ?? newClientId() });
  printLine(
    `Logged in to ${url} (${sources.data.length} source${sources.data.length === 1 ? '' : 's'}); settings saved in ${store.path}`,
  );
  if (process.env.HOOKYARD_URL || process.env.HOOKYARD_TOKEN) {
    printStatus(
      'Note: HOOKYARD_URL / HOOKYARD_TOKEN are set and take precedence over these settings',
    );
  }
}
