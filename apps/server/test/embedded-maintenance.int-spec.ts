import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createApp } from '../src/app/create-app';
import { loadConfig } from '../src/config/config';
import { createDataSource, runMigrations } from '../src/database/data-source';
import { EmbeddedMaintenance } from '../src/database/embedded-maintenance';
import { ADMIN_TOKEN } from './helpers';
import { eventually } from './target';

describe('the embedded database (standalone), which has no autovacuum', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookyard-vacuum-'));
    const migrating = createDataSource({ databaseUrl: null, databasePoolSize: 1, dataDir });
    await migrating.initialize();
    await runMigrations(migrating);
    await migrating.destroy();
  }, 60_000);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is vacuumed and analyzed soon after start, then on its interval', async () => {
    const config = loadConfig({
      HOOKYARD_DATA_DIR: dataDir,
      HOOKYARD_ADMIN_TOKEN: ADMIN_TOKEN,
      HOOKYARD_LOG_LEVEL: 'silent',
      HOOKYARD_VACUUM_INTERVAL_MS: '1000',
      PORT: '0',
    });
    const app = await createApp(config);
    await app.init();
    try {
      const db = app.get<DataSource>(getDataSourceToken());
      const vacuumed = async () => {
        const [row] = (await db.query(
          `SELECT last_vacuum AS "vacuum", last_analyze AS "analyze" FROM pg_stat_user_tables
           WHERE relname = 'deliveries'`,
        )) as { vacuum: Date | null; analyze: Date | null }[];
        return row;
      };
      expect(await vacuumed()).toEqual({ vacuum: null, analyze: null });
      const first = await eventually(
        async () => (await vacuumed()).vacuum ?? undefined,
        5000,
        'a first VACUUM',
      );
      // ANALYZE runs in the same pass, just after.
      const { analyze } = await vacuumed();
      expect(analyze?.getTime()).toBeGreaterThanOrEqual(first.getTime());
      // And again, on the interval.
      await eventually(
        async () => ((await vacuumed()).vacuum ?? first) > first,
        5000,
        'a second VACUUM',
      );
      // Passes asked for while one runs are that one.
      const maintenance = app.get(EmbeddedMaintenance);
      expect(maintenance.vacuum()).toBe(maintenance.vacuum());
    } finally {
      await app.close();
    }
  });
});
