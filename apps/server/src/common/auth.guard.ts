import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { constantTimeEquals } from './constant-time';
import { UnauthorizedError } from './domain-errors';
import { IS_PUBLIC } from './public.decorator';

/** Every route needs `Authorization: Bearer <admin token>` unless marked `@Public()`. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!match)
      throw new UnauthorizedError('Missing bearer token: send "Authorization: Bearer <token>"');
    if (!constantTimeEquals(match[1].trim(), this.config.adminToken)) {
      throw new UnauthorizedError('Invalid bearer token');
    }
    return true;
  }
}
