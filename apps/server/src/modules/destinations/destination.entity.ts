import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DestinationType, RetryPolicy } from '@hookyard/contracts';

@Entity('destinations')
export class DestinationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  /** `cli`: registered by `hookyard listen`; no worker sends its deliveries, its CLI's stream takes them. */
  @Column('text')
  type!: DestinationType;

  /** For a CLI destination, the local URL its CLI forwards to (display only). */
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

  /** The CLI installation that registered this destination (with `cliSourceId`, unique). */
  @Column('text', { name: 'cli_client_id', nullable: true })
  cliClientId!: string | null;

  /** Who listens, and where: `ada@laptop`. */
  @Column('text', { name: 'cli_listener', nullable: true })
  cliListener!: string | null;

  /** The source the CLI listens to. */
  @Column('uuid', { name: 'cli_source_id', nullable: true })
  cliSourceId!: string | null;

  /** Refreshed while a stream of this CLI is open. */
  @Column('timestamptz', { name: 'cli_last_seen_at', nullable: true })
  cliLastSeenAt!: Date | null;

  /** CLI streams of this destination open now, in every process (see `CliPresence`). */
  @Column('integer', { name: 'cli_streams', default: 0 })
  cliStreams!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;
}
