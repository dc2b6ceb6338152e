import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import { RoutingChanges } from '../../database/routing-changes';
import { SourceEntity } from './source.entity';

@Injectable()
export class SourcesRepository {
  private readonly repo: Repository<SourceEntity>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly changes: RoutingChanges,
  ) {
    this.repo = dataSource.getRepository(SourceEntity);
  }

  async insert(source: SourceEntity): Promise<void> {
    await this.repo.insert(source);
    this.changes.changed();
  }

  findAll(): Promise<SourceEntity[]> {
    return this.repo.find({
      where: { deletedAt: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  findById(id: string): Promise<SourceEntity | null> {
    return this.repo.findOneBy({ id, deletedAt: IsNull() });
  }

  findBySlug(slug: string): Promise<SourceEntity | null> {
    return this.repo.findOneBy({ slug, deletedAt: IsNull() });
  }

  async save(source: SourceEntity): Promise<SourceEntity> {
    const saved = await this.repo.save(source);
    this.changes.changed();
    return saved;
  }

  async softDelete(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { deletedAt: at, updatedAt: at });
    this.changes.changed();
  }
}
