import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  createSourceSchema,
  idParamsSchema,
  updateSourceSchema,
  type CreateSource,
  type IdParams,
  type UpdateSource,
} from '@hookyard/contracts';
import { body, params } from '../../common/zod-validation.pipe';
import { SourcesService } from './sources.service';

@Controller('api/v1/sources')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Post()
  create(@Body(body(createSourceSchema)) input: CreateSource) {
    return this.sources.create(input);
  }

  @Get()
  list() {
    return this.sources.list();
  }

  @Get(':id')
  get(@Param(params(idParamsSchema)) { id }: IdParams) {
    return this.sources.get(id);
  }

  @Patch(':id')
  update(
    @Param(params(idParamsSchema)) { id }: IdParams,
    @Body(body(updateSourceSchema)) patch: UpdateSource,
  ) {
    return this.sources.update(id, patch);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param(params(idParamsSchema)) { id }: IdParams) {
    return this.sources.remove(id);
  }
}
