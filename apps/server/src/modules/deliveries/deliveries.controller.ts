import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  bulkRetrySchema,
  idParamsSchema,
  listDeliveriesQuerySchema,
  replaySchema,
  type BulkRetry,
  type IdParams,
  type ListDeliveriesQuery,
  type Replay,
} from '@hookyard/contracts';
import { body, params, query } from '../../common/zod-validation.pipe';
import { DeliveriesService } from './deliveries.service';

@Controller('api/v1')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('deliveries')
  list(@Query(query(listDeliveriesQuerySchema)) filter: ListDeliveriesQuery) {
    return this.deliveries.list(filter);
  }

  @Get('deliveries/:id')
  get(@Param(params(idParamsSchema)) { id }: IdParams) {
    return this.deliveries.get(id);
  }

  @Post('deliveries/retry')
  @HttpCode(202)
  bulkRetry(@Body(body(bulkRetrySchema)) filter: BulkRetry) {
    return this.deliveries.bulkRetry(filter);
  }

  @Post('deliveries/:id/retry')
  @HttpCode(202)
  retry(@Param(params(idParamsSchema)) { id }: IdParams) {
    return this.deliveries.retry(id);
  }

  @Post('deliveries/:id/cancel')
  @HttpCode(200)
  cancel(@Param(params(idParamsSchema)) { id }: IdParams) {
    return this.deliveries.cancel(id);
  }

  @Post('events/:id/replay')
  @HttpCode(202)
  replay(
    @Param(params(idParamsSchema)) { id }: IdParams,
    @Body(body(replaySchema)) replay: Replay,
  ) {
    return this.deliveries.replay(id, replay);
  }

  @Post('destinations/:id/test')
  @HttpCode(202)
  sendTest(@Param(params(idParamsSchema)) { id }: IdParams) {
    return this.deliveries.sendTest(id);
  }
}
