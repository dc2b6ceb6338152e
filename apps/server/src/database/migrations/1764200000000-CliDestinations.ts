import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `hookyard listen`: CLI destinations, whose deliveries wait for a CLI's stream instead of a
 * worker, and sources that answer the provider with the destination's response.
 *
 * A CLI destination is one per CLI installation (`cli_client_id`) and source, found again by
 * the unique index when the CLI reconnects. Its `url` is the local URL it forwards to, for
 * display. `cli_last_seen_at` is refreshed while its stream is open. The new columns have no
 * default or a constant one: adding them rewrites no rows.
 */
export class CliDestinations1764200000000 implements MigrationInterface {
  name = 'CliDestinations1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE destinations ADD COLUMN type text NOT NULL DEFAULT 'http'
         CONSTRAINT destinations_type_check CHECK (type IN ('http', 'cli'))`,
    );
    await q.query(`ALTER TABLE destinations ADD COLUMN cli_client_id text`);
    await q.query(`ALTER TABLE destinations ADD COLUMN cli_listener text`);
    await q.query(`ALTER TABLE destinations ADD COLUMN cli_source_id uuid REFERENCES sources (id)`);
    await q.query(`ALTER TABLE destinations ADD COLUMN cli_last_seen_at timestamptz`);
    await q.query(
      `ALTER TABLE destinations ADD CONSTRAINT destinations_cli_check CHECK (
         type <> 'cli' OR (cli_client_id IS NOT NULL AND cli_listener IS NOT NULL AND cli_source_id IS NOT NULL))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX destinations_cli_client_source_key ON destinations (cli_client_id, cli_source_id)
       WHERE type = 'cli' AND deleted_at IS NULL`,
    );
    // A CLI's stream claims its own destination's due deliveries every few hundred ms: this
    // finds them without walking the destination's history.
    await q.query(
      `CREATE INDEX deliveries_destination_due_idx ON deliveries (destination_id, next_attempt_at)
       WHERE status IN ('scheduled', 'failed', 'delivering')`,
    );
    await q.query(`ALTER TABLE sources ADD COLUMN passthrough jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sources DROP COLUMN passthrough`);
    await q.query(`DROP INDEX deliveries_destination_due_idx`);
    await q.query(`DROP INDEX destinations_cli_client_source_key`);
    await q.query(`ALTER TABLE destinations DROP CONSTRAINT destinations_cli_check`);
    for (const column of [
      'cli_last_seen_at',
      'cli_source_id',
      'cli_listener',
      'cli_client_id',
      'type',
    ]) {
      await q.query(`ALTER TABLE destinations DROP COLUMN ${column}`);
    }
  }
}
