import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RetryPolicy } from '@hookyard/contracts';

@Entity('destinations')
export class DestinationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('text')
  url!: string;

  @Column('integer', { name: 'timeout_ms' })
  timeoutMs!: number;

  @Column('jsonb')
  retry!: RetryPolicy;

  @Column('jsonb')
  headers!: Record<string, string>;

  @Column('integer', { name: 'rate_limit_per_second', nullable: true })
  rateLimitPerSecond!: number | null;

  /** Write-only through the API. */
  @Column('text', { name: 'signing_secret', nullable: true })
  signingSecret!: string | null;

  @Column('boolean')
  paused!: boolean;

  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt!: Date | null;

  @Column('text', { name: 'disabled_reason', nullable: true })
  disabledReason!: string | null;

  @Column('integer', { name: 'consecutive_failures' })
  consecutiveFailures!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;
}
