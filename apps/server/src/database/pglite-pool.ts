import { EventEmitter } from 'node:events';
import { PGlite, parse, protocol, types, type Results } from '@electric-sql/pglite';

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

/** A named statement as node-postgres takes one: parsed and planned once per session. */
interface NamedQuery {
  name: string;
  text: string;
  values: unknown[];
}

/** Per database: each named statement's parameter types, once it is prepared. */
const preparedStatements = new WeakMap<PGlite, Map<string, number[]>>();

/** PGlite's own steps for a query, done by `query` in one go: here each is one protocol message. */
const step = (db: PGlite, message: Uint8Array) =>
  db.execProtocolStream(message, { syncToFs: false });

class PgliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  query(config: NamedQuery): Promise<PgResult>;
  query(sql: string, params?: unknown[]): Promise<PgResult>;
  async query(sqlOrConfig: string | NamedQuery, params?: unknown[]): Promise<PgResult> {
    if (typeof sqlOrConfig !== 'string') return this.named(sqlOrConfig);
    const sql = sqlOrConfig;
    if (params && params.length > 0) return toPgResult(await this.db.query(sql, params));
    // Without parameters node-postgres uses the simple protocol, which runs several statements
    // (a migration's); like it, answer with the last statement's result.
    const results = await this.db.exec(sql);
    return toPgResult(results[results.length - 1] ?? { rows: [], fields: [] });
  }

  /**
   * A named statement, as node-postgres runs one: parsed (and described) the first time, then
   * only bound and executed, so PostgreSQL plans it once rather than on every call (planning
   * reads each table's and index's size, a file system call each in WebAssembly). The same
   * protocol steps as `PGlite.query`, with the statement named.
   */
  private named({ name, text, values }: NamedQuery): Promise<PgResult> {
    const db = this.db;
    let prepared = preparedStatements.get(db);
    if (!prepared) preparedStatements.set(db, (prepared = new Map()));
    const statements = prepared;
    return db.runExclusive(async () => {
      const messages = [];
      try {
        let types = statements.get(name);
        if (!types) {
          await step(db, protocol.serialize.parse({ name, text }));
          const described = await step(db, protocol.serialize.describe({ type: 'S', name }));
          types = parse.parseDescribeStatementResults(described);
          statements.set(name, types);
        }
        const parameterTypes = types;
        const serialized = values.map((value, i) => {
          if (value === null || value === undefined) return null;
          const serialize = db.serializers[parameterTypes[i]];
          return serialize ? serialize(value) : String(value);
        });
        messages.push(
          ...(await step(db, protocol.serialize.bind({ statement: name, values: serialized }))),
          ...(await step(db, protocol.serialize.describe({ type: 'P' }))),
          ...(await step(db, protocol.serialize.execute({}))),
        );
      } finally {
        messages.push(...(await step(db, protocol.serialize.sync())));
      }
      if (!db.isInTransaction()) await db.syncToFs();
      return toPgResult(parse.parseResults(messages, db.parsers)[0]);
    });
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

  query(config: NamedQuery): Promise<PgResult>;
  query(sql: string, params?: unknown[]): Promise<PgResult>;
  async query(sqlOrConfig: string | NamedQuery, params?: unknown[]): Promise<PgResult> {
    const { client, release } = await this.lend();
    try {
      return typeof sqlOrConfig === 'string'
        ? await client.query(sqlOrConfig, params)
        : await client.query(sqlOrConfig);
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
