import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type {
  CreateDestination,
  DestinationResponse,
  Page,
  UpdateDestination,
} from '@hookyard/contracts';
import { NotFoundError } from '../../common/domain-errors';
import { toDestinationResponse } from './destination.mapper';
import { DestinationEntity } from './destination.entity';
import { DestinationsRepository } from './destinations.repository';

@Injectable()
export class DestinationsService {
  constructor(private readonly destinations: DestinationsRepository) {}

  async create(input: CreateDestination): Promise<DestinationResponse> {
    const now = new Date();
    const destination = Object.assign(new DestinationEntity(), {
      id: randomUUID(),
      ...input,
      disabledAt: null,
      disabledReason: null,
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    await this.destinations.insert(destination);
    return toDestinationResponse(destination);
  }

  async list(): Promise<Page<DestinationResponse>> {
    const all = await this.destinations.findAll();
    return { data: all.map(toDestinationResponse), nextCursor: null };
  }

  async get(id: string): Promise<DestinationResponse> {
    return toDestinationResponse(await this.find(id));
  }

  async update(
    id: string,
    { disabled, ...patch }: UpdateDestination,
  ): Promise<DestinationResponse> {
    const destination = await this.find(id);
    Object.assign(destination, patch, { updatedAt: new Date() });
    if (disabled === false) {
      Object.assign(destination, {
        disabledAt: null,
        disabledReason: null,
        consecutiveFailures: 0,
      });
    }
    return toDestinationResponse(await this.destinations.save(destination));
  }

  async remove(id: string): Promise<void> {
    await this.find(id);
    await this.destinations.softDelete(id, new Date());
  }

  private async find(id: string): Promise<DestinationEntity> {
    const destination = await this.destinations.findById(id);
    if (!destination) throw NotFoundError.of('Destination', id);
    return destination;
  }
}
