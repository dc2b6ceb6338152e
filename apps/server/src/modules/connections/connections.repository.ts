import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import type { ListConnectionsQuery } from '@hookyard/contracts';
import type { ConnectionFilter } from '@hookyard/contracts';
import { RoutingChanges } from '../../database/routing-changes';
import { ConnectionEntity } from './connection.entity';

export interface Route {
  destinationId: string;
  filter: ConnectionFilter | null;
  /**
   * Whether a worker sends its deliveries now. False while the destination is paused or
   * disabled (they wait), and for a CLI destination (its CLI's stream takes them).
   */
  open: boolean;
}

@Injectable()
export class ConnectionsRepository {
  private readonly repo: Repository<ConnectionEntity>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: RoutingChanges,
  ) {
    this.repo = dataSource.getRepository(ConnectionEntity);
  }

  async insert(connection: ConnectionEntity): Promise<void> {
    await this.repo.insert(connection);
    this.changes.changed();
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

  /**
   * Where a source's events go: every connection to a destination that still exists, oldest
   * connection first (the first is the one a passthrough source answers with).
   */
  findRoutes(sourceId: string): Promise<Route[]> {
    return this.dataSource.query(
      `SELECT c.destination_id AS "destinationId", c.filter,
              (d.type = 'http' AND NOT d.paused AND d.disabled_at IS NULL) AS open
       FROM connections c JOIN destinations d ON d.id = c.destination_id
       WHERE c.source_id = $1 AND d.deleted_at IS NULL
       ORDER BY c.created_at, c.id`,
      [sourceId],
    );
  }

  findById(id: string): Promise<ConnectionEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async save(connection: ConnectionEntity): Promise<ConnectionEntity> {
    const saved = await this.repo.save(connection);
    this.changes.changed();
    return saved;
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
    this.changes.changed();
  }
}
