import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import { DestinationEntity } from './destination.entity';

@Injectable()
export class DestinationsRepository {
  private readonly repo: Repository<DestinationEntity>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(DestinationEntity);
  }

  insert(destination: DestinationEntity): Promise<unknown> {
    return this.repo.insert(destination);
  }

  findAll(): Promise<DestinationEntity[]> {
    return this.repo.find({
      where: { deletedAt: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  findById(id: string): Promise<DestinationEntity | null> {
    return this.repo.findOneBy({ id, deletedAt: IsNull() });
  }

  save(destination: DestinationEntity): Promise<DestinationEntity> {
    return this.repo.save(destination);
  }

  /**
   * Soft delete: the destination's connections go, its pending deliveries are
   * cancelled, and its history (deliveries, attempts) stays readable.
   */
  async softDelete(id: string, at: Date): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`UPDATE destinations SET deleted_at = $2, updated_at = $2 WHERE id = $1`, [
        id,
        at,
      ]);
      await tx.query(`DELETE FROM connections WHERE destination_id = $1`, [id]);
      await tx.query(
        `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = $2
         WHERE destination_id = $1 AND status IN ('scheduled', 'delivering', 'failed')`,
        [id, at],
      );
    });
  }
}
