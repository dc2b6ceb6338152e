import { ApiClient } from '../api/api-client';
import { ConfigStore } from './config-store';
import { resolveSettings } from './settings';

/** The API client of the logged-in user (`HOOKYARD_URL` / `HOOKYARD_TOKEN` first). */
export function loggedInClient(store: ConfigStore = new ConfigStore()): ApiClient {
  return new ApiClient(resolveSettings(process.env, store.read()));
}
