import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type {
  ConnectionResponse,
  CreateConnection,
  ListConnectionsQuery,
  Page,
  UpdateConnection,
} from '@hookyard/contracts';
import { ConflictError, NotFoundError } from '../../common/domain-errors';
import { isUniqueViolation } from '../../database/postgres-errors';
import { DestinationsRepository } from '../destinations/destinations.repository';
import { SourcesRepository } from '../sources/sources.repository';
import { ConnectionEntity } from './connection.entity';
import { ConnectionsRepository } from './connections.repository';

function toResponse(c: ConnectionEntity): ConnectionResponse {
  return {
    id: c.id,
    sourceId: c.sourceId,
    destinationId: c.destinationId,
    filter: c.filter,
    createdAt: c.createdAt.toISOString(),
  };
}

@Injectable()
export class ConnectionsService {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly sources: SourcesRepository,
    private readonly destinations: DestinationsRepository,
  ) {}

  async create(input: CreateConnection): Promise<ConnectionResponse> {
    if (!(await this.sources.findById(input.sourceId)))
      throw NotFoundError.of('Source', input.sourceId);
    if (!(await this.destinations.findById(input.destinationId))) {
      throw NotFoundError.of('Destination', input.destinationId);
    }
    const connection = Object.assign(new ConnectionEntity(), {
      id: randomUUID(),
      ...input,
      createdAt: new Date(),
    });
    try {
      await this.connections.insert(connection);
    } catch (error) {
      if (isUniqueViolation(error, 'connections_source_destination_key')) {
        throw new ConflictError('This source is already connected to this destination');
      }
      throw error;
    }
    return toResponse(connection);
  }

  async list(filter: ListConnectionsQuery): Promise<Page<ConnectionResponse>> {
    const all = await this.connections.find(filter);
    return { data: all.map(toResponse), nextCursor: null };
  }

  async get(id: string): Promise<ConnectionResponse> {
    return toResponse(await this.find(id));
  }

  async update(id: string, patch: UpdateConnection): Promise<ConnectionResponse> {
    const connection = await this.find(id);
    connection.filter = patch.filter;
    return toResponse(await this.connections.save(connection));
  }

  async remove(id: string): Promise<void> {
    await this.find(id);
    await this.connections.delete(id);
  }

  private async find(id: string): Promise<ConnectionEntity> {
    const connection = await this.connections.findById(id);
    if (!connection) throw NotFoundError.of('Connection', id);
    return connection;
  }
}
