import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each attempt carries its delivery's destination (a copy of `deliveries.destination_id`, which
 * never changes; null for an ad-hoc URL), and `attempts_at_idx` carries it too. The Overview's
 * failing destinations, and every view scoped to one destination, group a window of attempts by
 * destination: with the column in the index that is an index-only scan of the window. Through
 * the delivery, PostgreSQL read the whole deliveries table to hash-join it to the window (70 ms
 * at 100,000 deliveries, and more with every day of history), or looked each attempt's delivery
 * up by key.
 *
 * No foreign key: the delivery's has it, and a key check on every attempt would be paid by the
 * forwarding path. The backfill and the index build block writes to attempts while they run,
 * inside the migration's transaction, as the other migrations do.
 */
export class AttemptsDestination1764600000000 implements MigrationInterface {
  name = 'AttemptsDestination1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE attempts ADD COLUMN destination_id uuid`);
    await q.query(
      `UPDATE attempts a SET destination_id = d.destination_id
       FROM deliveries d WHERE d.id = a.delivery_id AND d.destination_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX attempts_at_covering_idx ON attempts (at)
       INCLUDE (status_code, duration_ms, delivery_id, destination_id)`,
    );
    await q.query(`DROP INDEX attempts_at_idx`);
    await q.query(`ALTER INDEX attempts_at_covering_idx RENAME TO attempts_at_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX attempts_at_covering_idx ON attempts (at) INCLUDE (status_code, duration_ms, delivery_id)`,
    );
    await q.query(`DROP INDEX attempts_at_idx`);
    await q.query(`ALTER INDEX attempts_at_covering_idx RENAME TO attempts_at_idx`);
    await q.query(`ALTER TABLE attempts DROP COLUMN destination_id`);
  }
}
