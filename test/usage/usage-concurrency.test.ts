/**
 * Concurrent ledger batches touching the same rollup rows: no deadlock, no lost update, sums
 * still equal to the raw rows. PostgreSQL: three pools (three hub nodes). SQLite: one store
 * (single-node mode is one process; concurrent calls share its connection).
 */
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/storage/index.js';
import { createUsageAnalyticsStore } from '../../src/storage/sql/usage-analytics-store.js';
import { testDatabases } from '../contract/databases.js';
import { HOUR, NOV_2026_SHANGHAI, canonical, randomUsageRows, referenceGroups, seededRandom } from './usage-fixtures.js';

const dbs = await testDatabases();

for (const factory of dbs) {
  describe.skipIf(!factory.available)(`concurrent ledger writers (${factory.name})`, () => {
    it('keep the rollups exact', async () => {
      const database = await factory.create();
      const first = await createStore(database.url);
      await first.migrate();
      const nodes = factory.name === 'postgres' ? [first, await createStore(database.url), await createStore(database.url)] : [first, first, first];
      try {
        const rnd = seededRandom(77);
        // Same few hours and dimensions for everyone: maximal contention on rollup rows.
        const batches = Array.from({ length: 12 }, (_, i) => randomUsageRows(rnd, 150, NOV_2026_SHANGHAI, 3 * HOUR, `node${i}`));
        // Every batch is also re-sent by another node (a retried write racing the original).
        await Promise.all(batches.flatMap((b, i) => [nodes[i % 3]!.insertUsage(b), nodes[(i + 1) % 3]!.insertUsage(b)]));
        const stored = await first.queryUsage({});
        expect(stored).toHaveLength(12 * 150);
        const analytics = createUsageAnalyticsStore(first);
        for (const groupBy of [['model', 'app'], ['end_user'], []] as const) {
          const q = { from: NOV_2026_SHANGHAI - HOUR, to: NOV_2026_SHANGHAI + 4 * HOUR, bucket: { kind: 'uniform', originMs: 0, sizeMs: HOUR } as const, groupBy: [...groupBy], filters: {} };
          expect(canonical(await analytics.queryUsageGroups(q))).toEqual(canonical(referenceGroups(stored, q)));
        }
      } finally {
        for (const n of new Set(nodes)) await n.close();
        await database.cleanup();
      }
    }, 60_000);
  });
}
