import { uuidSchema, type Page, type SourceResponse } from '@hookyard/contracts';
import type { ApiClient } from '../api/api-client';
import { CliError } from '../cli-error';
import { formatTable, printJson, printLine, printStatus } from '../output';

export function fetchSources(api: ApiClient): Promise<Page<SourceResponse>> {
  return api.get<Page<SourceResponse>>('/api/v1/sources');
}

/** `hookyard sources`: slug, name, verification, ingest URL and id of each source. */
export async function listSources(api: ApiClient, options: { json?: boolean }): Promise<void> {
  const { data } = await fetchSources(api);
  if (options.json) return printJson(data);
  if (data.length === 0) return printStatus('No sources yet: create one in the dashboard');
  printLine(
    formatTable(
      ['SLUG', 'NAME', 'VERIFICATION', 'INGEST URL', 'ID'],
      data.map((s) => [s.slug, s.name, s.verification.type, s.ingestUrl, s.id]),
    ),
  );
}

/** A source named by slug or id, as the server knows it; an unknown one is a one-line error. */
export async function findSource(api: ApiClient, slugOrId: string): Promise<SourceResponse> {
  const wanted = slugOrId.trim();
  const byId = uuidSchema.safeParse(wanted).success;
  const { data } = await fetchSources(api);
  const source = data.find((s) => (byId ? s.id === wanted.toLowerCase() : s.slug === wanted));
  if (source === undefined) {
    throw new CliError(`Unknown source "${wanted}": \`hookyard sources\` lists them`);
  }
  return source;
}
