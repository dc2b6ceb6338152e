// Baseline "limit": the durable-ingest ceiling of this machine with no framework. Like
// "naive", but requests that arrive together are committed together: a queue flushed by
// one multi-row INSERT whenever the previous INSERT returns (group commit), each request
// answered 202 once its row has committed.
//   DATABASE_URL=postgres://… GITHUB_SECRET=… PORT=8080 node bench/baselines/limit.mjs
import { createServer } from 'node:http';
import pg from 'pg';
import {
  COLUMNS,
  COLUMN_COUNT,
  SCHEMA,
  eventRow,
  readBody,
  reply,
  settings,
  verifyGithub,
} from './shared.mjs';

const { databaseUrl, secret, port } = settings();
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
await client.query(SCHEMA);

/** Rows waiting for the next INSERT, with the response each one completes. */
let queue = [];
let flushing = false;

function flush() {
  if (flushing || queue.length === 0) return;
  flushing = true;
  const batch = queue;
  queue = [];
  const values = batch.map(
    (_, r) =>
      `(${Array.from({ length: COLUMN_COUNT }, (_, c) => `$${r * COLUMN_COUNT + c + 1}`).join(', ')})`,
  );
  client
    .query(
      `INSERT INTO events (${COLUMNS}) VALUES ${values.join(', ')}`,
      batch.flatMap((b) => b.row),
    )
    .then(
      () => batch.forEach(({ row, res }) => reply(res, 202, { id: row[0] })),
      (error) => batch.forEach(({ res }) => reply(res, 500, { error: error.message })),
    )
    .finally(() => {
      flushing = false;
      flush();
    });
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, { status: 'ok' });
  readBody(req, (body) => {
    if (!verifyGithub(secret, req.headers['x-hub-signature-256'], body))
      return reply(res, 401, { error: 'Signature does not match' });
    queue.push({ row: eventRow(req, body), res });
    flush();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () =>
  console.log(`limit baseline on http://127.0.0.1:${server.address().port}`),
);
process.on('SIGTERM', () => server.close(() => client.end().then(() => process.exit(0))));
