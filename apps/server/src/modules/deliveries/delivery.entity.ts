import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DeliveryStatus } from '@hookyard/contracts';

@Entity('deliveries')
export class DeliveryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('uuid', { name: 'destination_id', nullable: true })
  destinationId!: string | null;

  /** An ad-hoc replay target, when there is no destination. */
  @Column('text', { nullable: true })
  url!: string | null;

  @Column('text')
  status!: DeliveryStatus;

  @Column('integer', { name: 'attempt_count' })
  attemptCount!: number;

  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt!: Date | null;

  @Column('integer', { name: 'last_status_code', nullable: true })
  lastStatusCode!: number | null;

  /** While `delivering`: until when the worker holding it may still record its attempt. */
  @Column('timestamptz', { name: 'lease_until', nullable: true })
  leaseUntil!: Date | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
