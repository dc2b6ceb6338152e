import { EventEmitter } from 'node:events';
import { PGlite, types, type Results } from '@electric-sql/pglite';

/**
 * Standalone mode's database: PGlite, the PostgreSQL engine compiled to WebAssembly, kept in a
 * folder. TypeORM's postgres driver talks to it through `PgliteDriver`, which offers the part of
 * node-postgres that TypeORM uses (`new Pool()`, `connect`, `client.query`, `end`), so the
 * entities, migrations and hand-written SQL are the ones production runs.
 *
 * PGlite is one session. The pool lends it to one client at a time, like a node-postgres pool of
 * size one: a transaction holds it until released, and nothing else interleaves.
 */

/** What node-postgres returns, as far as TypeORM and our repositories read it. */
interface PgResult {
  command: string;
  rowCount: number;
  rows: unknown[];
  fields: Results['fields'];
}

type ConnectCallback = (error: Error | null, client?: PgliteClient, release?: () => void) => void;

/** One open database per folder, shared by every pool in the process (the migrations' and the app's). */
const open = new Map<string, { db: Promise<PGlite>; pools: number }>();

function acquireDatabase(dataDir: string): Promise<PGlite> {
  let entry = open.get(dataDir);
  if (!entry) {
    const db = PGlite.create({
      dataDir,
      // As node-postgres returns them: bytea as a Buffer, int8 as a string.
      parsers: {
        [types.BYTEA]: (text: string) => Buffer.from(text.slice(2), 'hex'),
        [types.INT8]: (text: string) => text,
      },
    });
    entry = { db, pools: 0 };
    open.set(dataDir, entry);
    db.catch(() => open.delete(dataDir));
  }
  entry.pools++;
  return entry.db;
}

async function releaseDatabase(dataDir: string): Promise<void> {
  const entry = open.get(dataDir);
  if (!entry || --entry.pools > 0) return;
  open.delete(dataDir);
  await (await entry.db).close();
}

function toPgResult(result: Results): PgResult {
  return {
    command: result.command ?? '',
    rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
    rows: result.rows,
    fields: result.fields,
  };
}

class PgliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(sql: string, params?: unknown[]): Promise<PgResult> {
    if (params && params.length > 0) return toPgResult(await this.db.query(sql, params));
    // Without parameters node-postgres uses the simple protocol, which runs several statements
    // (a migration's); like it, answer with the last statement's result.
    const results = await this.db.exec(sql);
    return toPgResult(results[results.length - 1] ?? { rows: [], fields: [] });
  }
}

/** node-postgres's `Pool`, over the PGlite database in `dataDir`. */
class PglitePool extends EventEmitter {
  private readonly db: Promise<PGlite>;
  private readonly waiting: (() => void)[] = [];
  private busy = false;
  private ended = false;

  constructor(private readonly dataDir: string) {
    super();
    this.db = acquireDatabase(dataDir);
    // A failed open is reported to whoever connects; an unhandled rejection here would crash.
    this.db.catch(() => undefined);
  }

  connect(callback?: ConnectCallback): Promise<PgliteClient> | undefined {
    const lent = this.lend();
    if (!callback) return lent.then(({ client }) => client);
    lent.then(
      ({ client, release }) => callback(null, client, release),
      (error: Error) => callback(error),
    );
    return undefined;
  }

  async query(sql: string, params?: unknown[]): Promise<PgResult> {
    const { client, release } = await this.lend();
    try {
      return await client.query(sql, params);
    } finally {
      release();
    }
  }

  end(callback?: (error?: Error) => void): Promise<void> {
    this.ended = true;
    const closed = releaseDatabase(this.dataDir);
    if (callback) closed.then(() => callback(), callback);
    return closed;
  }

  private async lend(): Promise<{ client: PgliteClient; release: () => void }> {
    if (this.ended) throw new Error('The database has been closed');
    const db = await this.db;
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.busy = false;
    };
    return { client: new PgliteClient(db), release };
  }
}

/** The `driver` option of TypeORM's postgres data source for a PGlite folder. */
export function pgliteDriver(dataDir: string): { Pool: new () => PglitePool } {
  return {
    Pool: class extends PglitePool {
      constructor() {
        super(dataDir);
      }
    },
  };
}
