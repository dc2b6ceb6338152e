import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many CLI streams of a destination are open, across every process: a stream closed in one
 * process shows the CLI offline in all of them at once, where `cli_last_seen_at` alone let it
 * show connected until its 30 s window ran out. A constant default: no row is rewritten.
 */
export class CliStreams1764500000000 implements MigrationInterface {
  name = 'CliStreams1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE destinations ADD COLUMN cli_streams integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE destinations DROP COLUMN cli_streams`);
  }
}
