import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../../common/http-exception.filter';

/** Paths that belong to the server, never to the dashboard's client-side routes. */
const SERVER_PATHS = /^\/(api|in)(\/|$)|^\/(healthz|readyz|metrics)$/;

/** Whether `dir` holds a built dashboard. */
export function hasDashboard(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

/**
 * The dashboard, built by Vite, served by the same server at `/`: hashed assets are
 * cached for good, `index.html` never, and any other GET that is not a server path
 * gets `index.html` so that client-side routes (`/events/…`) load on refresh.
 */
export async function dashboardRoutes(
  app: FastifyInstance,
  { root }: { root: string },
): Promise<void> {
  // Loaded only when a dashboard is there to serve (its dependencies are ESM, which Jest's loader refuses).
  const { default: fastifyStatic } = await import('@fastify/static');
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    setHeaders: (res, path) => {
      res.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.get('/*', (request, reply) => {
    const path = request.url.split('?')[0];
    if (SERVER_PATHS.test(path)) {
      return reply.code(404).send(errorBody(404, `Route GET:${path} not found`));
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
