import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Overview reads a window of attempts from the index alone: attempts_at_idx carries the
 * columns its aggregates read (outcome, duration, delivery), so an index-only scan answers them
 * without visiting the attempts' heap pages. Same name and key as before (`at`), so every plan
 * that used it still does; only its leaf entries are wider.
 *
 * The events side needs no new index (nothing more to maintain on the ingest path): the window
 * is a range of events_status_received_idx, which already holds (status, received_at).
 * Index-only scans skip the heap only for pages the visibility map marks all-visible (set by
 * VACUUM, which autovacuum runs after inserts too); on other pages they read the row as before.
 *
 * A plain CREATE INDEX, as the other migrations: it blocks writes to attempts while it builds
 * (seconds for millions of attempts), inside the migration's transaction.
 */
export class ScaleIndexes1764300000000 implements MigrationInterface {
  name = 'ScaleIndexes1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX attempts_at_covering_idx ON attempts (at) INCLUDE (status_code, duration_ms, delivery_id)`,
    );
    await q.query(`DROP INDEX attempts_at_idx`);
    await q.query(`ALTER INDEX attempts_at_covering_idx RENAME TO attempts_at_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX attempts_at_plain_idx ON attempts (at)`);
    await q.query(`DROP INDEX attempts_at_idx`);
    await q.query(`ALTER INDEX attempts_at_plain_idx RENAME TO attempts_at_idx`);
  }
}
