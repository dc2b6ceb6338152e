import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  createConnectionSchema,
  idParamsSchema,
  listConnectionsQuerySchema,
  updateConnectionSchema,
  type CreateConnection,
  type IdParams,
  type ListConnectionsQuery,
  type UpdateConnection,
} from '@hookyard/contracts';
import { body, params, query } from '../../common/zod-validation.pipe';
import { ConnectionsService } from './connections.service';

@Controller('api/v1/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  create(@Body(body(createConnectionSchema)) input: CreateConnection) {
    return this.connections.create(input);
  }

  @Get()
  list(@Query(query(listConnectionsQuerySchema)) filter: ListConnectionsQuery) {
    return this.connections.list(filter);
  }

  @Get(':id')
  get(@Param(params(idParamsSchema)) { id }: IdParams) {
    return this.connections.get(id);
  }

  @Patch(':id')
  update(
    @Param(params(idParamsSchema)) { id }: IdParams,
    @Body(body(updateConnectionSchema)) patch: UpdateConnection,
  ) {
    return this.connections.update(id, patch);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param(params(idParamsSchema)) { id }: IdParams) {
    return this.connections.remove(id);
  }
}
