import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every process keeps what routes a request (a source by slug and its connections) in memory.
 * These triggers tell them all, by `NOTIFY hookyard_routing` on commit, when that may have
 * changed, whoever wrote it: another process, `hookyard.yaml`, or SQL by hand. A destination
 * notifies only when a column that routing reads changes, not on its failure counts.
 */
export class RoutingNotify1764400000000 implements MigrationInterface {
  name = 'RoutingNotify1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE FUNCTION hookyard_routing_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('hookyard_routing', '');
         RETURN NULL;
       END $$`,
    );
    for (const table of ['sources', 'connections']) {
      await q.query(
        `CREATE TRIGGER ${table}_routing_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION hookyard_routing_changed()`,
      );
    }
    await q.query(
      `CREATE TRIGGER destinations_routing_changed AFTER UPDATE ON destinations FOR EACH ROW
       WHEN (OLD.paused IS DISTINCT FROM NEW.paused OR OLD.disabled_at IS DISTINCT FROM NEW.disabled_at
             OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at OR OLD.type IS DISTINCT FROM NEW.type)
       EXECUTE FUNCTION hookyard_routing_changed()`,
    );
    await q.query(
      `CREATE TRIGGER destinations_routing_removed AFTER DELETE OR TRUNCATE ON destinations
       FOR EACH STATEMENT EXECUTE FUNCTION hookyard_routing_changed()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER destinations_routing_removed ON destinations`);
    await q.query(`DROP TRIGGER destinations_routing_changed ON destinations`);
    for (const table of ['connections', 'sources']) {
      await q.query(`DROP TRIGGER ${table}_routing_changed ON ${table}`);
    }
    await q.query(`DROP FUNCTION hookyard_routing_changed()`);
  }
}
