import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { errorBody } from '../../common/http-exception.filter';
import type { IngestService } from './ingest.service';

interface IngestRouteOptions {
  ingest: IngestService;
}

type IngestParams = { slug: string; '*'?: string };

const logger = new Logger('Ingest');

/**
 * `ANY /in/{slug}[/*]`, the one public route, registered as a Fastify plugin in its
 * own encapsulation context so that no body parser touches the bytes: every
 * content type reaches the service as an unread stream, and the source's own
 * size limit applies (the framework's limit would refuse GitHub's 25 MiB).
 */
export async function ingestRoutes(
  app: FastifyInstance,
  { ingest }: IngestRouteOptions,
): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  const handler = async (
    request: FastifyRequest<{ Params: IngestParams }>,
    reply: FastifyReply,
  ) => {
    const url = request.raw.url ?? '';
    const q = url.indexOf('?');
    try {
      const result = await ingest.handle({
        slug: request.params.slug,
        method: request.method,
        path: `/${request.params['*'] ?? ''}`,
        query: q === -1 ? '' : url.slice(q + 1),
        queryParams: request.query as Record<string, string | string[] | undefined>,
        headers: request.headers,
        rawHeaders: request.raw.rawHeaders,
        ip: request.ip ?? null,
        body: request.body as Readable | undefined,
      });
      return reply.code(result.statusCode).headers(result.headers).send(result.body);
    } catch (error) {
      logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      return reply
        .code(500)
        .send(errorBody(500, 'Internal server error: the request was not stored'));
    }
  };

  app.all('/in/:slug', handler);
  app.all('/in/:slug/*', handler);
}
