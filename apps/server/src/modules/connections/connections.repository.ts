import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import type { ListConnectionsQuery } from '@hookyard/contracts';
import { ConnectionEntity } from './connection.entity';

@Injectable()
export class ConnectionsRepository {
  private readonly repo: Repository<ConnectionEntity>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.repo = dataSource.getRepository(ConnectionEntity);
  }

  insert(connection: ConnectionEntity): Promise<unknown> {
    return this.repo.insert(connection);
  }

  find(filter: ListConnectionsQuery): Promise<ConnectionEntity[]> {
    return this.repo.find({
      where: {
        ...(filter.sourceId && { sourceId: filter.sourceId }),
        ...(filter.destinationId && { destinationId: filter.destinationId }),
      },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  findById(id: string): Promise<ConnectionEntity | null> {
    return this.repo.findOneBy({ id });
  }

  save(connection: ConnectionEntity): Promise<ConnectionEntity> {
    return this.repo.save(connection);
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}
