import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  createDestinationSchema,
  idParamsSchema,
  updateDestinationSchema,
  type CreateDestination,
  type IdParams,
  type UpdateDestination,
} from '@hookyard/contracts';
import { body, params } from '../../common/zod-validation.pipe';
import { DestinationsService } from './destinations.service';

@Controller('api/v1/destinations')
export class DestinationsController {
  constructor(private readonly destinations: DestinationsService) {}

  @Post()
  create(@Body(body(createDestinationSchema)) input: CreateDestination) {
    return this.destinations.create(input);
  }

  @Get()
  list() {
    return this.destinations.list();
  }

  @Get(':id')
  get(@Param(params(idParamsSchema)) { id }: IdParams) {
    return this.destinations.get(id);
  }

  @Patch(':id')
  update(
    @Param(params(idParamsSchema)) { id }: IdParams,
    @Body(body(updateDestinationSchema)) patch: UpdateDestination,
  ) {
    return this.destinations.update(id, patch);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param(params(idParamsSchema)) { id }: IdParams) {
    return this.destinations.remove(id);
  }
}
