/**
 * Migrations 003/004 backfill the rollups from a ledger written before them (SQLite and
 * PostgreSQL): after migrating, grouped answers equal the raw rows.
 */
import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { hubMigrationProvider } from '../../src/storage/sql/migrations/index.js';
import { usageToRow } from '../../src/storage/sql/sql-rows.js';
import { createUsageAnalyticsStore } from '../../src/storage/sql/usage-analytics-store.js';
import { createStore } from '../../src/storage/index.js';
import { testDatabases } from '../contract/databases.js';
import { HOUR, NOV_2026_SHANGHAI, canonical, randomUsageRows, referenceGroups, seededRandom } from './usage-fixtures.js';

const dbs = await testDatabases();

for (const factory of dbs) {
  describe.skipIf(!factory.available)(`usage rollup migrations (${factory.name})`, () => {
    it('backfill existing ledger rows', async () => {
      const database = await factory.create();
      const store = await createStore(database.url);
      try {
        const provider = hubMigrationProvider(store.dialect);
        const schema = store.dialect === 'postgres' ? new URL(database.url).searchParams.get('options')?.split('=')[1] : undefined;
        const migrator = new Migrator({ db: store.db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
        const first = await migrator.migrateTo('002-admin');
        expect(first.error).toBeUndefined();
        const rows = randomUsageRows(seededRandom(3), 500, NOV_2026_SHANGHAI - 30 * HOUR, 80 * HOUR, 'mig');
        await store.db.insertInto('usage_events').values(rows.map(usageToRow)).execute();
        await store.migrate();
        expect(await store.appliedMigrations()).toContain('004-usage-rollups-daily');
        const stored = await store.queryUsage({});
        const analytics = createUsageAnalyticsStore(store);
        for (const groupBy of [['model', 'app'], ['end_user', 'key'], []] as const) {
          const q = { from: NOV_2026_SHANGHAI - 30 * HOUR + 123, to: NOV_2026_SHANGHAI + 50 * HOUR, bucket: { kind: 'none' } as const, groupBy: [...groupBy], filters: {} };
          expect(canonical(await analytics.queryUsageGroups(q))).toEqual(canonical(referenceGroups(stored, q)));
        }
      } finally {
        await store.close();
        await database.cleanup();
      }
    }, 60_000);
  });
}
