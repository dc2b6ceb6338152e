import type { AttemptErrorKind } from '@hookyard/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('attempts')
export class AttemptEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'delivery_id' })
  deliveryId!: string;

  /** The delivery's destination, copied (null for an ad-hoc URL): the Overview groups by it. */
  @Column('uuid', { name: 'destination_id', nullable: true })
  destinationId!: string | null;

  @Column('integer')
  n!: number;

  @Column('timestamptz')
  at!: Date;

  @Column('text')
  url!: string;

  @Column('jsonb', { name: 'request_headers' })
  requestHeaders!: Record<string, string>;

  @Column('integer', { name: 'status_code', nullable: true })
  statusCode!: number | null;

  @Column('integer', { name: 'duration_ms' })
  durationMs!: number;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('text', { name: 'error_kind', nullable: true })
  errorKind!: AttemptErrorKind | null;

  @Column('jsonb', { name: 'response_headers', nullable: true })
  responseHeaders!: Record<string, string> | null;

  @Column('bytea', { name: 'response_body', nullable: true })
  responseBody!: Buffer | null;

  @Column('boolean', { name: 'response_body_truncated' })
  responseBodyTruncated!: boolean;
}
