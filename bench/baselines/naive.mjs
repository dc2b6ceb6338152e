// Baseline "naive": the least a durable webhook receiver can do. node:http, the GitHub
// signature checked in constant time, one INSERT per request (pool of 10, as Hookyard's
// default), 202 once it has committed.
//   DATABASE_URL=postgres://… GITHUB_SECRET=… PORT=8080 node bench/baselines/naive.mjs
import { createServer } from 'node:http';
import pg from 'pg';
import { COLUMNS, SCHEMA, eventRow, readBody, reply, settings, verifyGithub } from './shared.mjs';

const { databaseUrl, secret, port } = settings();
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
await pool.query(SCHEMA);

const INSERT = `INSERT INTO events (${COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, { status: 'ok' });
  readBody(req, (body) => {
    if (!verifyGithub(secret, req.headers['x-hub-signature-256'], body))
      return reply(res, 401, { error: 'Signature does not match' });
    const row = eventRow(req, body);
    pool.query(INSERT, row).then(
      () => reply(res, 202, { id: row[0] }),
      (error) => reply(res, 500, { error: error.message }),
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () =>
  console.log(`naive baseline on http://127.0.0.1:${server.address().port}`),
);
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
