import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { ALLOW_QUERY_TOKEN } from './allow-query-token.decorator';
import { constantTimeEquals } from './constant-time';
import { UnauthorizedError } from './domain-errors';
import { IS_PUBLIC } from './public.decorator';

/** The token of `Authorization: Bearer <token>` (scheme in any letter case), if sent. */
function bearerToken(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1].trim();
}

/** `?access_token=<token>`, if sent once. */
function queryToken(request: FastifyRequest): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.access_token;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Every route needs `Authorization: Bearer <admin token>` unless marked `@Public()`; a route
 * marked `@AllowQueryToken()` also takes it as `?access_token=` (for `EventSource`).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.marked(IS_PUBLIC, context)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token =
      bearerToken(request) ??
      (this.marked(ALLOW_QUERY_TOKEN, context) ? queryToken(request) : undefined);
    if (token === undefined)
      throw new UnauthorizedError('Missing bearer token: send "Authorization: Bearer <token>"');
    if (!constantTimeEquals(token, this.config.adminToken)) {
      throw new UnauthorizedError('Invalid bearer token');
    }
    return true;
  }

  private marked(key: string, context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean | undefined>(key, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }
}
