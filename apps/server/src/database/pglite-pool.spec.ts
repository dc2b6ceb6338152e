import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from './data-source';
import { preparedQuery } from './prepared';
import { migrations } from './migrations';

/** The embedded database through TypeORM, as standalone mode runs it: real PGlite, real migrations. */
describe('PGlite through TypeORM', () => {
  let dataDir: string;
  let db: DataSource;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookyard-pglite-'));
    db = createDataSource({ databaseUrl: null, databasePoolSize: 1, dataDir });
    await db.initialize();
    expect(await runMigrations(db)).toHaveLength(migrations.length);
  }, 60_000);

  afterAll(async () => {
    if (db?.isInitialized) await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function insertEvent(id: string, body: Buffer): Promise<void> {
    await db.query(
      `INSERT INTO events (id, received_at, method, path, query, headers, body, size, status)
       VALUES ($1, now(), 'POST', '/', '', '[]', $2, $3, 'accepted')`,
      [id, body, body.length],
    );
  }

  it('returns values as node-postgres does: bytea as Buffer, int8 as string, jsonb parsed', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    await insertEvent(id, Buffer.from([0, 1, 2, 255]));
    const [row] = await db.query(
      `SELECT body, count(*) OVER () AS n, headers, received_at AS "at" FROM events WHERE id = $1`,
      [id],
    );
    expect(Buffer.isBuffer(row.body)).toBe(true);
    expect([...row.body]).toEqual([0, 1, 2, 255]);
    expect(row.n).toBe('1');
    expect(row.headers).toEqual([]);
    expect(row.at).toBeInstanceOf(Date);
  });

  it('answers UPDATE … RETURNING as [rows, rowCount], like the postgres driver', async () => {
    const id = '00000000-0000-4000-8000-000000000002';
    await insertEvent(id, Buffer.from('x'));
    const result = await db.query(`UPDATE events SET path = '/p' WHERE id = $1 RETURNING path`, [
      id,
    ]);
    expect(result).toEqual([[{ path: '/p' }], 1]);
  });

  it('keeps concurrent transactions apart: one session, lent to one at a time', async () => {
    const id = '00000000-0000-4000-8000-000000000003';
    await insertEvent(id, Buffer.from('0'));
    const order: string[] = [];
    let updated!: () => void;
    const inside = new Promise<void>((resolve) => (updated = resolve));
    const slowTx = db.transaction(async (tx) => {
      await tx.query(`UPDATE events SET path = '/a' WHERE id = $1`, [id]);
      order.push('a:updated');
      updated();
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push('a:end');
      throw new Error('roll back');
    });
    // Asked while the transaction holds the session: it must wait, and must not see /a.
    await inside;
    const read = db.query(`SELECT path FROM events WHERE id = $1`, [id]).then((rows) => {
      order.push('read');
      return rows[0].path;
    });
    await expect(slowTx).rejects.toThrow('roll back');
    expect(await read).toBe('/');
    expect(order).toEqual(['a:updated', 'a:end', 'read']);
  });

  it('reports constraint violations with PostgreSQL codes', async () => {
    const id = '00000000-0000-4000-8000-000000000004';
    await insertEvent(id, Buffer.from('1'));
    await expect(insertEvent(id, Buffer.from('2'))).rejects.toMatchObject({
      driverError: expect.objectContaining({ code: '23505', constraint: 'events_pkey' }),
    });
  });

  describe('named statements (preparedQuery)', () => {
    const select = `SELECT id, body, count(*) OVER () AS n, headers FROM events
                    WHERE id = ANY($1::uuid[]) ORDER BY id`;

    it('answer as plain queries do, prepared once and bound each time after', async () => {
      const ids = ['00000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000006'];
      await insertEvent(ids[0], Buffer.from([7, 8]));
      await insertEvent(ids[1], Buffer.from([9]));
      const plain = await db.query(select, [ids]);
      type Row = { id: string; body: Buffer; n: string; headers: unknown };
      const first = await preparedQuery<Row>(db, 'pglite_spec_select', select, [ids]);
      const again = await preparedQuery<Row>(db, 'pglite_spec_select', select, [ids.slice(1)]);
      expect(first).toEqual(plain);
      expect(Buffer.isBuffer(first[0].body)).toBe(true);
      expect(first.map((row) => row.n)).toEqual(['2', '2']);
      expect(again).toEqual([{ ...plain[1], n: '1' }]);
      const [{ count }] = await db.query(
        `SELECT count(*)::int AS count FROM pg_prepared_statements WHERE name = 'pglite_spec_select'`,
      );
      expect(count).toBe(1);
    });

    it('report a failed execution with its code, and leave the session usable', async () => {
      const insert = `INSERT INTO events (id, received_at, method, path, query, headers, body, size, status)
                      VALUES ($1, now(), 'POST', '/', '', '[]', $2, 1, 'accepted') RETURNING id`;
      const id = '00000000-0000-4000-8000-000000000007';
      const args = [id, Buffer.from('x')];
      expect(await preparedQuery(db, 'pglite_spec_insert', insert, args)).toEqual([{ id }]);
      await expect(preparedQuery(db, 'pglite_spec_insert', insert, args)).rejects.toMatchObject({
        code: '23505',
        constraint: 'events_pkey',
      });
      // The session goes on: a transaction, then the statement again with other values.
      await db.transaction((tx) => tx.query(`UPDATE events SET path = '/p2' WHERE id = $1`, [id]));
      const other = '00000000-0000-4000-8000-000000000008';
      expect(
        await preparedQuery(db, 'pglite_spec_insert', insert, [other, Buffer.from('y')]),
      ).toEqual([{ id: other }]);
      const [row] = await preparedQuery(
        db,
        'pglite_spec_path',
        'SELECT path FROM events WHERE id = $1',
        [id],
      );
      expect(row).toEqual({ path: '/p2' });
    });
  });

  it('keeps data across a reopen of the folder', async () => {
    await db.destroy();
    db = createDataSource({ databaseUrl: null, databasePoolSize: 1, dataDir });
    await db.initialize();
    expect(await runMigrations(db)).toEqual([]);
    const [{ n }] = await db.query(`SELECT count(*) AS n FROM events`);
    expect(Number(n)).toBeGreaterThanOrEqual(4);
  }, 60_000);
});
