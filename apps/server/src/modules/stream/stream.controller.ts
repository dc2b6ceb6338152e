import { Controller, Query, Sse } from '@nestjs/common';
import { AllowQueryToken } from '../../common/allow-query-token.decorator';
import { query } from '../../common/zod-validation.pipe';
import { StreamService, streamQuerySchema, type StreamQuery } from './stream.service';

@Controller('api/v1/stream')
export class StreamController {
  constructor(private readonly stream: StreamService) {}

  /** Server-sent events; `?access_token=` as well, since `EventSource` cannot send headers. */
  @Sse()
  @AllowQueryToken()
  events(@Query(query(streamQuerySchema)) filter: StreamQuery) {
    return this.stream.events(filter);
  }
}
