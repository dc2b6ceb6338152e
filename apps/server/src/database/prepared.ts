import type { DataSource } from 'typeorm';

type Rows = Promise<{ rows: unknown[] }>;

interface Pools {
  /** node-postgres's Pool, or PGlite's (`pglite-pool.ts`), which takes named statements too. */
  master: { query(config: { name: string; text: string; values: unknown[] }): Rows };
}

/**
 * A hot-path statement straight on the driver's pool, past TypeORM's query runner, and
 * prepared: node-postgres parses and plans a named statement once per connection and then only
 * binds it; PGlite's pool (standalone mode, one session) does the same once per database. The
 * name must stand for one text.
 */
export async function preparedQuery<T>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const { master } = dataSource.driver as unknown as Pools;
  return (await master.query({ name, text, values })).rows as T[];
}
