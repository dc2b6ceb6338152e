import { Body, Controller, Headers, HttpCode, Param, Post, Sse } from '@nestjs/common';
import {
  cliAttemptSchema,
  cliSessionSchema,
  idParamsSchema,
  type CliAttempt,
  type CliSession,
  type IdParams,
} from '@hookyard/contracts';
import { body, params } from '../../common/zod-validation.pipe';
import { CliService } from './cli.service';
import { CliStreamService } from './cli-stream.service';

/** `hookyard listen`. The CLI sends the admin token as a header, so no `?access_token=` here. */
@Controller('api/v1/cli')
export class CliController {
  constructor(
    private readonly cli: CliService,
    private readonly streams: CliStreamService,
  ) {}

  @Post('sessions')
  session(@Body(body(cliSessionSchema)) input: CliSession) {
    return this.cli.session(input);
  }

  @Sse('destinations/:id/deliveries')
  deliveries(
    @Param(params(idParamsSchema)) { id }: IdParams,
    @Headers('last-event-id') lastEventId: string | undefined,
  ) {
    return this.streams.open(id, lastEventId);
  }

  @Post('deliveries/:id/attempts')
  @HttpCode(200)
  report(
    @Param(params(idParamsSchema)) { id }: IdParams,
    @Body(body(cliAttemptSchema)) attempt: CliAttempt,
  ) {
    return this.cli.report(id, attempt);
  }
}
