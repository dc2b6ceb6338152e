import { Column, Entity, PrimaryColumn, VirtualColumn } from 'typeorm';
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

  /**
   * An edited replay's headers, sent instead of the event's (null: the event's). Like the
   * body, not loaded unless asked for: only the worker and the delivery's detail read them.
   */
  @Column('jsonb', { name: 'override_headers', nullable: true, select: false })
  overrideHeaders?: Record<string, string> | null;

  /** An edited replay's body, sent instead of the event's (null: the event's). */
  @Column('bytea', { name: 'override_body', nullable: true, select: false })
  overrideBody?: Buffer | null;

  /** Whether either override is set: computed, so it cannot disagree with them. */
  @VirtualColumn({
    type: 'boolean',
    query: (alias) =>
      `SELECT ${alias}.override_headers IS NOT NULL OR ${alias}.override_body IS NOT NULL`,
  })
  edited!: boolean;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
