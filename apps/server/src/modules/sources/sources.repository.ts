import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import { SourceEntity } from './source.entity';

@Injectable()
export class SourcesRepository {
  private readonly repo: Repository<SourceEntity>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.repo = dataSource.getRepository(SourceEntity);
  }

  insert(source: SourceEntity): Promise<unknown> {
    return this.repo.insert(source);
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

  save(source: SourceEntity): Promise<SourceEntity> {
    return this.repo.save(source);
  }

  async softDelete(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { deletedAt: at, updatedAt: at });
  }
}
