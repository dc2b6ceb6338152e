import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Edit and replay": a replay may send its own headers and body instead of the stored event's.
 * The edit lives on the delivery, so its retries send it again; the event is never changed.
 * Nullable columns without a default: adding them rewrites no rows.
 */
export class ReplayOverrides1764100000000 implements MigrationInterface {
  name = 'ReplayOverrides1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ADD COLUMN override_headers jsonb`);
    await q.query(`ALTER TABLE deliveries ADD COLUMN override_body bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP COLUMN override_body`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN override_headers`);
  }
}
