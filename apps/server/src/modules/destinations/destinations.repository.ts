import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import { RoutingChanges } from '../../database/routing-changes';
import { CLI_SEEN_WITHIN_MS } from './cli-presence';
import { DestinationEntity } from './destination.entity';

/** A destination's attempts in a window: how many, how many got a 2xx, the median duration. */
export interface AttemptTally {
  attempts: number;
  succeeded: number;
  p50DurationMs: number | null;
}

@Injectable()
export class DestinationsRepository {
  private readonly repo: Repository<DestinationEntity>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: RoutingChanges,
  ) {
    this.repo = dataSource.getRepository(DestinationEntity);
  }

  insert(destination: DestinationEntity): Promise<unknown> {
    return this.repo.insert(destination);
  }

  findAll(): Promise<DestinationEntity[]> {
    return this.repo.find({
      where: { deletedAt: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  findById(id: string): Promise<DestinationEntity | null> {
    return this.repo.findOneBy({ id, deletedAt: IsNull() });
  }

  /**
   * Attempts at or after `since`, per destination, in one grouped query: an index-only scan of
   * the window in attempts_at_idx, which holds each attempt's destination, outcome and duration.
   * Destinations without attempts in it are absent from the map.
   */
  async tallyAttempts(ids: string[], since: Date): Promise<Map<string, AttemptTally>> {
    if (ids.length === 0) return new Map();
    const rows: (AttemptTally & { destinationId: string })[] = await this.dataSource.query(
      `SELECT a.destination_id AS "destinationId",
              count(*)::int AS attempts,
              count(*) FILTER (WHERE a.status_code BETWEEN 200 AND 299)::int AS succeeded,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY a.duration_ms) AS "p50DurationMs"
       FROM attempts a
       WHERE a.at >= $1 AND a.destination_id = ANY($2::uuid[])
       GROUP BY a.destination_id`,
      [since, ids],
    );
    return new Map(rows.map(({ destinationId, ...tally }) => [destinationId, tally]));
  }

  /**
   * A CLI's stream opened, is still open (its heartbeat), or closed: `cli_last_seen_at` is now,
   * and `cli_streams` counts it. Returns that time (null: no such CLI destination, or deleted).
   *
   * The count heals itself when a process died with streams open: one opening after nobody was
   * seen for the presence window starts it again at 1 (every open stream's heartbeat would have
   * been seen), and a heartbeat makes it at least 1.
   */
  async cliStream(id: string, change: 'opened' | 'open' | 'closed'): Promise<Date | null> {
    const streams = {
      opened: `CASE WHEN cli_last_seen_at IS NULL OR cli_last_seen_at < now() - make_interval(secs => $2 / 1000.0)
                 THEN 1 ELSE cli_streams + 1 END`,
      open: 'GREATEST(cli_streams, 1)',
      closed: 'GREATEST(cli_streams - 1, 0)',
    }[change];
    const [rows] = (await this.dataSource.query(
      `UPDATE destinations SET cli_last_seen_at = now(), cli_streams = ${streams}
       WHERE id = $1 AND type = 'cli' AND deleted_at IS NULL
       RETURNING cli_last_seen_at AS "lastSeenAt"`,
      change === 'opened' ? [id, CLI_SEEN_WITHIN_MS] : [id],
    )) as [{ lastSeenAt: Date }[], number];
    return rows[0]?.lastSeenAt ?? null;
  }

  async save(destination: DestinationEntity): Promise<DestinationEntity> {
    const saved = await this.repo.save(destination);
    this.changes.changed();
    return saved;
  }

  /**
   * Soft delete: the destination's connections go, its pending deliveries are
   * cancelled, and its history (deliveries, attempts) stays readable.
   */
  async softDelete(id: string, at: Date): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`UPDATE destinations SET deleted_at = $2, updated_at = $2 WHERE id = $1`, [
        id,
        at,
      ]);
      await tx.query(`DELETE FROM connections WHERE destination_id = $1`, [id]);
      await tx.query(
        `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = $2
         WHERE destination_id = $1 AND status IN ('scheduled', 'delivering', 'failed')`,
        [id, at],
      );
    });
    this.changes.changed();
  }
}
