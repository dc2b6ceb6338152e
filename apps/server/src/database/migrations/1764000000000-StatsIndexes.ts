import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The Overview reads attempts by time (a window of up to 30 days), not by delivery. */
export class StatsIndexes1764000000000 implements MigrationInterface {
  name = 'StatsIndexes1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX attempts_at_idx ON attempts (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX attempts_at_idx`);
  }
}
