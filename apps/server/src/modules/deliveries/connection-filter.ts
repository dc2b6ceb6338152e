import type { ConnectionFilter } from '@hookyard/contracts';
import { valueAtPath } from '../../common/json-path';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

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
  return rules.every(([path, expected]) => valueAtPath(body, path) === expected);
}
