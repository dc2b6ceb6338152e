import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CustomResponse, DedupeRule, HandshakeInput, Passthrough } from '@hookyard/contracts';
import type { VerificationRule } from '@hookyard/signatures';

@Entity('sources')
export class SourceEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('text')
  slug!: string;

  /** Holds the secrets: never returned by the API, never logged. */
  @Column('jsonb')
  verification!: VerificationRule;

  @Column('integer', { name: 'max_body_bytes' })
  maxBodyBytes!: number;

  @Column('jsonb')
  dedupe!: DedupeRule;

  @Column('jsonb', { nullable: true })
  response!: CustomResponse | null;

  @Column('jsonb', { name: 'allowed_ips', nullable: true })
  allowedIps!: string[] | null;

  @Column('integer', { name: 'rate_limit_per_second', nullable: true })
  rateLimitPerSecond!: number | null;

  @Column('jsonb')
  handshake!: HandshakeInput;

  /** Answer the provider with the destination's response, waiting this long at most. */
  @Column('jsonb', { nullable: true })
  passthrough!: Passthrough | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;
}
