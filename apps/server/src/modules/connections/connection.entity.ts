import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ConnectionFilter } from '@hookyard/contracts';

@Entity('connections')
export class ConnectionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'source_id' })
  sourceId!: string;

  @Column('uuid', { name: 'destination_id' })
  destinationId!: string;

  @Column('jsonb', { nullable: true })
  filter!: ConnectionFilter | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
