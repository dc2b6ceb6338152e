import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  idParamsSchema,
  listEventsQuerySchema,
  type IdParams,
  type ListEventsQuery,
} from '@hookyard/contracts';
import { params, query } from '../../common/zod-validation.pipe';
import { EventsService } from './events.service';

@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  list(@Query(query(listEventsQuerySchema)) filter: ListEventsQuery) {
    return this.events.list(filter);
  }

  @Get(':id')
  get(@Param(params(idParamsSchema)) { id }: IdParams) {
    return this.events.get(id);
  }
}
