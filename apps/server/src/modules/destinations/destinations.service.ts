import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type {
  CreateDestination,
  DestinationResponse,
  Page,
  UpdateDestination,
} from '@hookyard/contracts';
import { NotFoundError } from '../../common/domain-errors';
import { NO_ATTEMPTS, RECENT_WINDOW_HOURS, toDestinationResponse } from './destination.mapper';
import { CliPresence } from './cli-presence';
import { DestinationEntity } from './destination.entity';
import { DestinationsRepository } from './destinations.repository';

@Injectable()
export class DestinationsService {
  constructor(
    private readonly destinations: DestinationsRepository,
    private readonly presence: CliPresence,
  ) {}

  async create(input: CreateDestination): Promise<DestinationResponse> {
    const now = new Date();
    const destination = Object.assign(new DestinationEntity(), {
      id: randomUUID(),
      type: 'http' as const,
      ...input,
      cliClientId: null,
      cliListener: null,
      cliSourceId: null,
      cliLastSeenAt: null,
      cliStreams: 0,
      disabledAt: null,
      disabledReason: null,
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    await this.destinations.insert(destination);
    return toDestinationResponse(destination, NO_ATTEMPTS);
  }

  async list(): Promise<Page<DestinationResponse>> {
    return { data: await this.respond(await this.destinations.findAll()), nextCursor: null };
  }

  async get(id: string): Promise<DestinationResponse> {
    const [response] = await this.respond([await this.find(id)]);
    return response;
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
    const [response] = await this.respond([await this.destinations.save(destination)]);
    return response;
  }

  async remove(id: string): Promise<void> {
    await this.find(id);
    await this.destinations.softDelete(id, new Date());
  }

  /** The destinations with their recent attempts, counted for all of them in one query. */
  private async respond(destinations: DestinationEntity[]): Promise<DestinationResponse[]> {
    const since = new Date(Date.now() - RECENT_WINDOW_HOURS * 3600 * 1000);
    const tallies = await this.destinations.tallyAttempts(
      destinations.map((d) => d.id),
      since,
    );
    return destinations.map((d) =>
      toDestinationResponse(
        d,
        tallies.get(d.id) ?? NO_ATTEMPTS,
        d.type === 'cli' && this.presence.connected(d.id, d.cliLastSeenAt, d.cliStreams),
      ),
    );
  }

  private async find(id: string): Promise<DestinationEntity> {
    const destination = await this.destinations.findById(id);
    if (!destination) throw NotFoundError.of('Destination', id);
    return destination;
  }
}
