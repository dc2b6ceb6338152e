import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RetryPolicy } from '@hookyard/contracts';
import { RoutingChanges } from '../../database/routing-changes';
import type { HeaderPairs } from '../events/event.entity';

export interface CliRegistration {
  clientId: string;
  sourceId: string;
  listener: string;
  forwardTo: string;
  name: string;
  timeoutMs: number;
  retry: RetryPolicy;
}

/** The CLI's writes and reads that span destinations, connections, deliveries and sources. */
@Injectable()
export class CliRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: RoutingChanges,
  ) {}

  /**
   * The CLI destination of (client, source), created or found again, with its connection from
   * the source, in one transaction. Found again, it takes the new listener and local URL (and
   * the name that goes with them, unless a person renamed it), and is enabled again: a CLI
   * that starts listening is a person re-enabling it. Its retry policy, timeout and pause stay.
   */
  async register(r: CliRegistration): Promise<string> {
    const registered = await this.dataSource.transaction(async (tx) => {
      const [{ id }] = (await tx.query(
        `INSERT INTO destinations (id, name, type, url, timeout_ms, retry, headers, paused, consecutive_failures,
                                   cli_client_id, cli_listener, cli_source_id, created_at, updated_at)
         VALUES ($1, $2, 'cli', $3, $4, $5, '{}', false, 0, $6, $7, $8, now(), now())
         ON CONFLICT (cli_client_id, cli_source_id) WHERE type = 'cli' AND deleted_at IS NULL
         DO UPDATE SET
           name = CASE WHEN destinations.name = 'CLI ' || destinations.cli_listener THEN EXCLUDED.name
                       ELSE destinations.name END,
           url = EXCLUDED.url,
           cli_listener = EXCLUDED.cli_listener,
           disabled_at = NULL,
           disabled_reason = NULL,
           consecutive_failures = 0,
           updated_at = now()
         RETURNING id`,
        [
          randomUUID(),
          r.name,
          r.forwardTo,
          r.timeoutMs,
          JSON.stringify(r.retry),
          r.clientId,
          r.listener,
          r.sourceId,
        ],
      )) as { id: string }[];
      await tx.query(
        `INSERT INTO connections (id, source_id, destination_id, filter, created_at)
         VALUES ($1, $2, $3, NULL, now())
         ON CONFLICT (source_id, destination_id) DO NOTHING`,
        [randomUUID(), r.sourceId, id],
      );
      return id;
    });
    this.changes.changed();
    return registered;
  }

  /** The headers a delivery hands its CLI: an edited replay's, or its event's as received. */
  async requestHeaders(deliveryId: string): Promise<HeaderPairs | null> {
    const [row] = (await this.dataSource.query(
      `SELECT d.override_headers AS "overrideHeaders", e.headers
       FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = $1`,
      [deliveryId],
    )) as { overrideHeaders: Record<string, string> | null; headers: HeaderPairs }[];
    if (!row) return null;
    return row.overrideHeaders ? Object.entries(row.overrideHeaders) : row.headers;
  }

  /**
   * Of these deliveries, those whose provider waits for their first attempt's answer (their
   * source's passthrough), with the time it waits until. That is the first attempt of the
   * event's first delivery (the one of the source's oldest connection, as the ingest chose it),
   * while the wait has not ended.
   */
  async respondBy(deliveryIds: string[]): Promise<Map<string, Date>> {
    if (deliveryIds.length === 0) return new Map();
    const rows: { id: string; respondBy: Date }[] = await this.dataSource.query(
      `SELECT d.id, w.until AS "respondBy"
       FROM deliveries d
       JOIN events e ON e.id = d.event_id
       JOIN sources s ON s.id = e.source_id
       CROSS JOIN LATERAL (SELECT e.received_at
         + make_interval(secs => (s.passthrough->>'timeoutMs')::int / 1000.0) AS until) w
       WHERE d.id = ANY($1::uuid[]) AND d.attempt_count = 0 AND s.passthrough IS NOT NULL
         AND w.until > now()
         AND d.id = (SELECT d2.id FROM deliveries d2
                     JOIN connections c ON c.destination_id = d2.destination_id AND c.source_id = e.source_id
                     WHERE d2.event_id = e.id
                     ORDER BY c.created_at, c.id, d2.created_at LIMIT 1)`,
      [deliveryIds],
    );
    return new Map(rows.map((r) => [r.id, r.respondBy]));
  }
}
