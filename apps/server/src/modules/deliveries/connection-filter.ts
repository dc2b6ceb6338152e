import type { ConnectionFilter } from '@hookyard/contracts';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function valueAt(json: unknown, path: string): unknown {
  let current = json;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Whether a connection forwards this request: every header of the filter equals
 * the request's (names case-insensitive), and every body path equals its value in
 * the JSON body. `parseBody` is called at most once, and only when a body rule exists.
 */
export function matchesFilter(
  filter: ConnectionFilter | null,
  headers: Headers,
  parseBody: () => unknown,
): boolean {
  if (!filter) return true;
  for (const [name, expected] of Object.entries(filter.headers ?? {})) {
    const actual = headers[name.toLowerCase()];
    if ((Array.isArray(actual) ? actual.join(', ') : actual) !== expected) return false;
  }
  const rules = Object.entries(filter.body ?? {});
  if (rules.length === 0) return true;
  const body = parseBody();
  return rules.every(([path, expected]) => valueAt(body, path) === expected);
}
