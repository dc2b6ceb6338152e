import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '../config/config';
import { dashboardRoutes, hasDashboard } from '../modules/dashboard/dashboard.routes';
import { ingestListener } from '../modules/ingest/ingest.routes';
import { IngestService } from '../modules/ingest/ingest.service';
import { AppModule } from './app.module';

/** Management API bodies are small JSON; ingest bodies have their own per-source limit. */
const API_BODY_LIMIT = 1024 * 1024;

/** What a worker process answers (`HOOKYARD_ROLE=worker`): probes and metrics, nothing else. */
const WORKER_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const WORKER_NOT_FOUND = JSON.stringify({
  statusCode: 404,
  error: 'Not Found',
  message:
    'This is a worker process (HOOKYARD_ROLE=worker): it serves /healthz, /readyz and /metrics only',
});

/** Answers 404 to what a worker does not serve (ingest, the API, the dashboard); false otherwise. */
function refusedByWorker(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (WORKER_PATHS.has(path)) return false;
  res.writeHead(404, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(WORKER_NOT_FOUND),
  });
  res.end(WORKER_NOT_FOUND);
  return true;
}

export interface RouteInfo {
  method: string;
  url: string;
}

/** Builds the HTTP application (not listening yet): used by `main.ts` and by the tests. */
export async function createApp(
  config: AppConfig,
  options: { routes?: RouteInfo[]; shutdownHooks?: boolean } = {},
): Promise<NestFastifyApplication> {
  // Ingest is answered by Node's server directly, before Fastify (see `ingestListener`); the
  // listener is set once the application, and so the ingest service, exists.
  let ingest: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
  const worker = config.role === 'worker';
  const adapter = new FastifyAdapter({
    serverFactory: (fastify: (req: IncomingMessage, res: ServerResponse) => void) =>
      createServer((req, res) => {
        if (worker && refusedByWorker(req, res)) return;
        if (!ingest?.(req, res)) fastify(req, res);
      }),
    bodyLimit: API_BODY_LIMIT,
    trustProxy: config.trustProxy,
    // Redirect-free, exact paths: /in/gh and /in/gh/ are both ingest URLs.
    routerOptions: { ignoreTrailingSlash: false },
  });
  if (options.routes) {
    const routes = options.routes;
    adapter.getInstance().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
  }
  // The API speaks JSON only: Fastify's JSON parser stays, its text/plain one goes, and Nest adds
  // no form parser (`bodyParser: false`). Other content types get 415.
  adapter.getInstance().removeContentTypeParser('text/plain');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // `main.ts` handles the signals itself (once, however many arrive); tests close the app.
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
  if (worker) return app;
  ingest = ingestListener(app.get<IngestService>(IngestService), config, logger);
  if (hasDashboard(config.dashboardDir))
    await app.register(dashboardRoutes, { root: config.dashboardDir });
  return app;
}
