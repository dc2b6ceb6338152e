/** The value at a dotted path (`data.object.id`) inside parsed JSON, or undefined. */
export function valueAtPath(json: unknown, path: string): unknown {
  let current = json;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
