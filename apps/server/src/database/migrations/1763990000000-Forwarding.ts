import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Columns the delivery worker needs: leases for in-flight attempts, error kinds, test events. */
export class Forwarding1763990000000 implements MigrationInterface {
  name = 'Forwarding1763990000000';

  async up(q: QueryRunner): Promise<void> {
    // A destination's "Send test event" records a sample event that belongs to no source.
    await q.query(`ALTER TABLE events ALTER COLUMN source_id DROP NOT NULL`);
    // While a worker holds a delivery it is 'delivering' until lease_until; after that the sweeper may hand it on.
    await q.query(`ALTER TABLE deliveries ADD COLUMN lease_until timestamptz`);
    await q.query(`ALTER TABLE deliveries ADD COLUMN last_error text`);
    await q.query(
      `CREATE INDEX deliveries_lease_idx ON deliveries (lease_until) WHERE status = 'delivering'`,
    );
    await q.query(`ALTER TABLE attempts ADD COLUMN error_kind text`);
    await q.query(
      `ALTER TABLE attempts ADD COLUMN response_body_truncated boolean NOT NULL DEFAULT false`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE attempts DROP COLUMN response_body_truncated`);
    await q.query(`ALTER TABLE attempts DROP COLUMN error_kind`);
    await q.query(`DROP INDEX deliveries_lease_idx`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN last_error`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN lease_until`);
    await q.query(`ALTER TABLE events ALTER COLUMN source_id SET NOT NULL`);
  }
}
