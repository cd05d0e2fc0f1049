/**
 * The ledger batch write (`insertUsage`) on every database: duplicates (in a batch or across
 * retried batches) are stored and counted once, rollups commit or fail with their rows, the
 * prepared statements survive schema changes, and on SQLite a batch never joins another
 * caller's open transaction.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { SqlHubStore } from '../../src/storage/index.js';
import { createUsageAnalyticsStore } from '../../src/storage/sql/usage-analytics-store.js';
import { ROLLUP_TABLES } from '../../src/storage/sql/usage-rollup-schema.js';
import { HOUR, NOV_2026_SHANGHAI, randomUsageRows, seededRandom } from '../usage/usage-fixtures.js';
import { testDatabases, withFreshStore } from './databases.js';
import { sampleUsage } from './store-fixtures.js';

const factories = await testDatabases();

/** Every rollup row of every table, in a stable order. */
async function rollupRows(store: SqlHubStore): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const spec of ROLLUP_TABLES) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(spec.name)} order by bucket_start, dims_key`.execute(store.db);
    out[spec.name] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'bigint' ? Number(v) : v])));
  }
  return out;
}

/** Rollups recomputed from the ledger (the reference the incremental writes must equal). */
async function rebuiltRollups(store: SqlHubStore): Promise<Record<string, unknown[]>> {
  await createUsageAnalyticsStore(store).rebuildUsageRollups();
  return rollupRows(store);
}

async function count(store: SqlHubStore, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
  return Number(rows[0]?.n);
}

for (const factory of factories) {
  describe.skipIf(!factory.available)(`ledger batch write — ${factory.name}`, () => {
    let store!: SqlHubStore;
    withFreshStore(factory, (_db, s) => {
      store = s;
    });

    it('stores the first of repeated (requestId, attempt) in a batch and counts it once', async () => {
      await store.insertUsage([
        sampleUsage('r', { costMicros: 10 }),
        sampleUsage('r', { costMicros: 999 }),
        sampleUsage('r', { attempt: 2, costMicros: 20 }),
      ]);
      expect((await store.queryUsage({})).map((e) => `${e.attempt}:${e.costMicros}`)).toEqual(['1:10', '2:20']);
      const rollups = await rollupRows(store);
      for (const spec of ROLLUP_TABLES) {
        const rows = rollups[spec.name] as { cost_micros: number; attempts: number; requests: number }[];
        expect(rows.map((r) => [r.attempts, r.requests, r.cost_micros]), spec.name).toEqual([[2, 1, 30]]);
      }
      expect(rollups).toEqual(await rebuiltRollups(store));
    });

    it('adds nothing when a batch is retried, whole or in part, and keeps rollups equal to the ledger', async () => {
      const batch = randomUsageRows(seededRandom(9), 400, NOV_2026_SHANGHAI - 3 * HOUR, 30 * HOUR, 'retry');
      await store.insertUsage(batch);
      const once = await rollupRows(store);
      await store.insertUsage(batch);
      await store.insertUsage([...batch.slice(100, 200).map((e) => ({ ...e, costMicros: e.costMicros + 5 })), sampleUsage('late', { startedAt: NOV_2026_SHANGHAI })]);
      expect(await store.queryUsage({})).toHaveLength(401);
      const after = await rollupRows(store);
      expect(after).not.toEqual(once);
      expect(after).toEqual(await rebuiltRollups(store));
    });

    it('writes nothing of a batch whose rollup upsert fails, and writes it whole once the table is back', async () => {
      await store.insertUsage([sampleUsage('first')]); // statements prepared and cached
      await sql`alter table usage_rollup_daily_core rename to usage_rollup_daily_core_away`.execute(store.db);
      await expect(store.insertUsage([sampleUsage('lost-if-partial', { startedAt: NOV_2026_SHANGHAI })])).rejects.toThrow();
      expect(await count(store, 'usage_events')).toBe(1);
      await sql`alter table usage_rollup_daily_core_away rename to usage_rollup_daily_core`.execute(store.db);
      await store.insertUsage([sampleUsage('lost-if-partial', { startedAt: NOV_2026_SHANGHAI })]);
      expect(await count(store, 'usage_events')).toBe(2);
      expect(await rollupRows(store)).toEqual(await rebuiltRollups(store));
    });

    it('commits a batch on its own while another transaction is open, even if that one rolls back', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      let opened!: () => void;
      const isOpen = new Promise<void>((resolve) => { opened = resolve; });
      const other = store.db.transaction().execute(async (trx) => {
        await trx.insertInto('meta').values({ key: 'in-other-trx', value: '1' }).execute();
        opened();
        await gate;
        throw new Error('roll back the other transaction');
      });
      await isOpen;
      const write = store.insertUsage([sampleUsage('own-trx')]);
      // On SQLite the write waits for the single connection; let the other transaction finish.
      await new Promise((r) => setTimeout(r, 20));
      release();
      await expect(other).rejects.toThrow('roll back');
      await write;
      expect(await store.getMeta('in-other-trx')).toBeUndefined();
      expect((await store.queryUsage({})).map((e) => e.requestId)).toEqual(['own-trx']);
      expect(await count(store, 'usage_rollup_hourly')).toBe(1);
    });
  });
}
