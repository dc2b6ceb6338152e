import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '../config/config';
import { dashboardRoutes, hasDashboard } from '../modules/dashboard/dashboard.routes';
import { ingestRoutes } from '../modules/ingest/ingest.routes';
import { IngestService } from '../modules/ingest/ingest.service';
import { AppModule } from './app.module';

/** Management API bodies are small JSON; ingest bodies have their own per-source limit. */
const API_BODY_LIMIT = 1024 * 1024;

export interface RouteInfo {
  method: string;
  url: string;
}

/** Builds the HTTP application (not listening yet): used by `main.ts` and by the tests. */
export async function createApp(
  config: AppConfig,
  options: { routes?: RouteInfo[]; shutdownHooks?: boolean } = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
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
  app.useLogger(app.get(Logger));
  // `main.ts` handles the signals itself (once, however many arrive); tests close the app.
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
  await app.register(ingestRoutes, { ingest: app.get<IngestService>(IngestService) });
  if (hasDashboard(config.dashboardDir))
    await app.register(dashboardRoutes, { root: config.dashboardDir });
  return app;
}
