import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import proxyAddr from '@fastify/proxy-addr';
import type { LoggerService } from '@nestjs/common';
import { errorBody } from '../../common/http-exception.filter';
import type { AppConfig, TrustProxy } from '../../config/config';
import type { IngestReply, IngestService } from './ingest.service';

type TrustFn = (address: string, hop: number) => boolean;

/** The same trust rules as Fastify's `trustProxy`, which the management API uses. */
function trustFn(trustProxy: TrustProxy): TrustFn | null {
  if (trustProxy === false) return null;
  if (trustProxy === true) return () => true;
  if (typeof trustProxy === 'number') return (_address, hop) => hop < trustProxy;
  return proxyAddr.compile(trustProxy);
}

/** `/in/{slug}[/{rest}]` split and decoded, or null when the URL is not one (or undecodable). */
function ingestTarget(
  url: string,
): { slug: string; path: string; query: string; pathname: string } | null {
  if (!url.startsWith('/in/')) return null;
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  const slash = pathname.indexOf('/', 4);
  const slug = slash === -1 ? pathname.slice(4) : pathname.slice(4, slash);
  if (slug === '') return null;
  try {
    return {
      slug: decodeURIComponent(slug),
      path: slash === -1 ? '/' : decodeURIComponent(pathname.slice(slash)),
      query: q === -1 ? '' : url.slice(q + 1),
      pathname,
    };
  } catch {
    return null;
  }
}

/** Statuses whose answer has no body, and so no length (RFC 9110 §8.6). */
const bodiless = (statusCode: number) =>
  statusCode < 200 || statusCode === 204 || statusCode === 304;

/**
 * Answers with a `content-length` rather than chunked framing: the headers and the body leave in
 * one write. Ours replaces any length the reply carries (a passthrough copies the destination's
 * answer's headers, and its body may have been decoded since).
 */
function send(res: ServerResponse, reply: IngestReply): void {
  const body =
    typeof reply.body === 'string' || Buffer.isBuffer(reply.body)
      ? reply.body
      : JSON.stringify(reply.body);
  const headers: string[] = [];
  for (const [name, value] of Object.entries(reply.headers)) {
    if (name.toLowerCase() !== 'content-length') headers.push(name, value);
  }
  if (!bodiless(reply.statusCode)) headers.push('content-length', String(Buffer.byteLength(body)));
  res.writeHead(reply.statusCode, headers);
  res.end(body);
}

/**
 * `ANY /in/{slug}[/*]`, the one public route, served straight from Node's HTTP server ahead of
 * Fastify: it is the hot path, and it needs nothing of the framework. No body parser touches
 * the bytes (every content type reaches the service as an unread stream, under the source's
 * own size limit), no middleware runs. Returns false for any other URL, which then goes to
 * Fastify and the management API. Request lines are logged as the API's are, at `info`.
 */
export function ingestListener(
  ingest: IngestService,
  config: Pick<AppConfig, 'trustProxy' | 'logLevel'>,
  /** The application's logger (pino), so the lines go where the API's go. */
  logger: LoggerService,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const trust = trustFn(config.trustProxy);
  const logRequests = ['info', 'debug', 'trace'].includes(config.logLevel);

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    target: { slug: string; path: string; query: string; pathname: string },
  ) => {
    const started = logRequests ? performance.now() : 0;
    let reply: IngestReply;
    try {
      reply = await ingest.handle({
        slug: target.slug,
        path: target.path,
        query: target.query,
        method: req.method ?? 'GET',
        queryParams: parseQuery(target.query),
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        ip: trust ? proxyAddr(req, trust) : (req.socket.remoteAddress ?? null),
        body: req,
      });
    } catch (error) {
      logger.error(
        error instanceof Error ? (error.stack ?? error.message) : String(error),
        'Ingest',
      );
      reply = {
        statusCode: 500,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: errorBody(500, 'Internal server error: the request was not stored'),
      };
    }
    send(res, reply);
    if (logRequests) {
      // The path without its query string: tokens travel there (`hub.verify_token`).
      logger.log(
        {
          msg: 'request completed',
          // Through the same serializers as the API's lines (`loggerOptions`): `url` becomes `path`.
          req: { method: req.method, url: target.pathname },
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        'Ingest',
      );
    }
  };

  return (req, res) => {
    const target = ingestTarget(req.url ?? '');
    if (!target) return false;
    void handle(req, res, target);
    return true;
  };
}
