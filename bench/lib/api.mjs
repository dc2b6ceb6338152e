// The few management API calls the bench needs (shapes: libs/contracts/src/lib).
import { SECRET } from './webhook.mjs';

export const ADMIN_TOKEN = 'hookyard-bench-admin-token-0123456789';

export function api(baseUrl) {
  async function call(method, path, body) {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text === '' ? null : JSON.parse(text);
  }
  return {
    get: (path) => call('GET', path),
    /** A source verified as GitHub does, with the bench's secret. */
    createGithubSource: (slug) =>
      call('POST', '/sources', {
        name: `Bench ${slug}`,
        slug,
        verification: { type: 'github', secrets: [SECRET] },
      }),
    createDestination: (name, url) => call('POST', '/destinations', { name, url }),
    connect: (sourceId, destinationId) => call('POST', '/connections', { sourceId, destinationId }),
  };
}

/** Two sources: `plain` with no connection, `linked` connected to `targetUrl`. */
export async function setUpIngestSources(baseUrl, targetUrl) {
  const client = api(baseUrl);
  const plain = await client.createGithubSource('plain');
  const linked = await client.createGithubSource('linked');
  const destination = await client.createDestination('Bench target', targetUrl);
  await client.connect(linked.id, destination.id);
  return { plain, linked, destination };
}
