import { withDb } from './helpers';

type Write = 'INSERT' | 'UPDATE';

/**
 * Counts the statements that write the watched tables, and the rows each wrote: a statement-level
 * trigger per `[table, INSERT | UPDATE]` notes (table, rows) from its transition table into
 * `test_statements`. `rows(table)` lists the row count of each statement in order, `reset()`
 * forgets them, `remove()` drops the triggers and the table.
 */
export async function countStatements(watched: [table: string, write: Write][]) {
  const trigger = (table: string, write: Write) => `test_count_${table}_${write.toLowerCase()}`;
  await withDb(async (c) => {
    await c.query(`CREATE TABLE IF NOT EXISTS test_statements (
      seq serial PRIMARY KEY, tbl text NOT NULL, n int NOT NULL)`);
    await c.query(`CREATE OR REPLACE FUNCTION test_count_statement() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO test_statements (tbl, n) SELECT TG_TABLE_NAME, count(*) FROM changed; RETURN NULL; END $$`);
    for (const [table, write] of watched) {
      await c.query(`CREATE OR REPLACE TRIGGER ${trigger(table, write)} AFTER ${write} ON ${table}
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION test_count_statement()`);
    }
  });
  return {
    rows: (table: string): Promise<number[]> =>
      withDb(async (c) =>
        (
          await c.query<{ n: number }>(
            `SELECT n FROM test_statements WHERE tbl = $1 ORDER BY seq`,
            [table],
          )
        ).rows.map((r) => r.n),
      ),
    reset: () => withDb((c) => c.query(`TRUNCATE test_statements`)),
    remove: () =>
      withDb(async (c) => {
        for (const [table, write] of watched) {
          await c.query(`DROP TRIGGER IF EXISTS ${trigger(table, write)} ON ${table}`);
        }
        await c.query(`DROP TABLE IF EXISTS test_statements`);
      }),
  };
}
