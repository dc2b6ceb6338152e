import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EventStatus, RejectionDetails } from '@hookyard/contracts';

/** Headers exactly as received: [name as sent, value] pairs, in order, repeats kept. */
export type HeaderPairs = [string, string][];

@Entity('events')
export class EventEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** Null for a destination's test event, which belongs to no source. */
  @Column('uuid', { name: 'source_id', nullable: true })
  sourceId!: string | null;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;

  @Column('text')
  method!: string;

  /** The sub-path after the source slug, `/` when there is none. */
  @Column('text')
  path!: string;

  /** The raw query string, without `?`. */
  @Column('text')
  query!: string;

  @Column('jsonb')
  headers!: HeaderPairs;

  /** The bytes exactly as received. Not loaded by list queries. */
  @Column('bytea', { select: false })
  body!: Buffer;

  @Column('text', { name: 'content_type', nullable: true })
  contentType!: string | null;

  @Column('integer')
  size!: number;

  @Column('text', { name: 'source_ip', nullable: true })
  sourceIp!: string | null;

  @Column('text')
  status!: EventStatus;

  @Column('jsonb', { nullable: true })
  rejection!: RejectionDetails | null;

  @Column('text', { name: 'dedupe_key', nullable: true })
  dedupeKey!: string | null;

  @Column('text', { nullable: true })
  handshake!: string | null;
}
