import type { DataSource } from 'typeorm';

type Rows = Promise<{ rows: unknown[] }>;

interface Pools {
  /** node-postgres's Pool, or PGlite's (`pglite-pool.ts`), which takes the text and values only. */
  master: {
    query(config: { name: string; text: string; values: unknown[] }): Rows;
    query(text: string, values: unknown[]): Rows;
  };
  options: { driver?: unknown };
}

/**
 * A hot-path statement straight on the driver's pool, past TypeORM's query runner, and
 * prepared: node-postgres parses and plans a named statement once per connection and then only
 * binds it. The name must stand for one text. PGlite's pool (standalone mode, one session)
 * runs the text as it is.
 */
export async function preparedQuery<T>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const { master, options } = dataSource.driver as unknown as Pools;
  // A `driver` option is the embedded PGlite (`data-source.ts`).
  const result =
    options.driver === undefined
      ? await master.query({ name, text, values })
      : await master.query(text, values);
  return result.rows as T[];
}
