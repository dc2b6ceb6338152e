import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/config';

/**
 * JSON logs, one line per request. Request logs carry the method, the path without
 * its query string (tokens travel there: `hub.verify_token`, `validationToken`) and
 * the status: never headers, so no secret, signature or bearer token is written.
 */
export function loggerOptions(config: Pick<AppConfig, 'logLevel'>): Params {
  return {
    // Probes and scrapes are not logged, and do not switch on the request context
    // (AsyncLocalStorage's promise hooks, a cost on every promise from then on).
    exclude: ['healthz', 'readyz', 'metrics'].map((path) => ({ method: RequestMethod.ALL, path })),
    pinoHttp: {
      level: config.logLevel,
      quietReqLogger: true,
      serializers: {
        req: (req: IncomingMessage & { id?: unknown }) => ({
          id: req.id,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
      redact: {
        paths: ['req.headers', 'res.headers', '*.authorization', '*.secrets', '*.signingSecret'],
        remove: true,
      },
    },
  };
}
