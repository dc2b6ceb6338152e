// What both ingest baselines share: a table shaped like Hookyard's `events` (same
// columns, constraints and indexes: apps/server/src/database/migrations), the GitHub
// signature check, and the row one request becomes.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const SOURCE_ID = '00000000-0000-4000-8000-000000000001';

export const SCHEMA = `
  CREATE TABLE IF NOT EXISTS sources (id uuid PRIMARY KEY);
  INSERT INTO sources (id) VALUES ('${SOURCE_ID}') ON CONFLICT DO NOTHING;
  CREATE TABLE IF NOT EXISTS events (
    id uuid PRIMARY KEY,
    source_id uuid REFERENCES sources (id),
    received_at timestamptz NOT NULL,
    method text NOT NULL,
    path text NOT NULL,
    query text NOT NULL,
    headers jsonb NOT NULL,
    body bytea NOT NULL,
    content_type text,
    size integer NOT NULL,
    source_ip text,
    status text NOT NULL CHECK (status IN ('accepted', 'rejected')),
    rejection jsonb,
    dedupe_key text,
    handshake text
  );
  CREATE INDEX IF NOT EXISTS events_received_idx ON events (received_at DESC, id DESC);
  CREATE INDEX IF NOT EXISTS events_source_received_idx ON events (source_id, received_at DESC, id DESC);
  CREATE INDEX IF NOT EXISTS events_status_received_idx ON events (status, received_at DESC, id DESC);
  CREATE UNIQUE INDEX IF NOT EXISTS events_source_dedupe_key ON events (source_id, dedupe_key)
    WHERE dedupe_key IS NOT NULL;
`;

export const COLUMNS = `id, source_id, received_at, method, path, query, headers, body, content_type,
  size, source_ip, status, dedupe_key`;
export const COLUMN_COUNT = 13;

/** `X-Hub-Signature-256: sha256=<hex>` over the raw body, compared in constant time. */
export function verifyGithub(secret, header, body) {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(header.slice(7), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Reads the whole body, then calls `handle(body)`. */
export function readBody(req, handle) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => handle(Buffer.concat(chunks)));
}

/** The row a request becomes, in `COLUMNS` order; headers as Hookyard keeps them (pairs). */
export function eventRow(req, body) {
  const pairs = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    pairs.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  const q = req.url.indexOf('?');
  return [
    randomUUID(),
    SOURCE_ID,
    new Date(),
    req.method,
    q === -1 ? req.url : req.url.slice(0, q),
    q === -1 ? '' : req.url.slice(q + 1),
    JSON.stringify(pairs),
    body,
    req.headers['content-type'] ?? null,
    body.length,
    req.socket.remoteAddress ?? null,
    'accepted',
    req.headers['x-github-delivery'] ?? null,
  ];
}

export function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function settings() {
  const { DATABASE_URL, GITHUB_SECRET, PORT = '0' } = process.env;
  if (!DATABASE_URL || !GITHUB_SECRET) {
    console.error('Set DATABASE_URL and GITHUB_SECRET (and PORT)');
    process.exit(2);
  }
  return { databaseUrl: DATABASE_URL, secret: GITHUB_SECRET, port: Number(PORT) };
}
