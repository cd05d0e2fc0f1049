/**
 * Rollups reconcile exactly with the raw ledger, on SQLite and PostgreSQL: random rows (with
 * duplicate retries) → for many groupings, filters, buckets and unaligned ranges, the grouped
 * answer equals a plain-JS sum over the stored rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/core/domain.js';
import type { UsageBucketSpec, UsageDimension } from '../../src/core/store.js';
import { createStore, type SqlHubStore } from '../../src/storage/index.js';
import { createUsageAnalyticsStore, type SqlUsageAnalyticsStore } from '../../src/storage/sql/usage-analytics-store.js';
import { testDatabases, type TestDatabase } from '../contract/databases.js';
import { HOUR, NOV_2026_SHANGHAI, canonical, randomUsageRows, referenceGroups, seededRandom } from './usage-fixtures.js';

const dbs = await testDatabases();
const DAY = 24 * HOUR;
const GROUPINGS: UsageDimension[][] = [
  [], ['model'], ['deployment'], ['provider'], ['tenant'], ['app'], ['key'], ['end_user'], ['biz_level'], ['plugin'], ['prompt'],
  ['status'], ['currency'], ['upstream_model'], ['model', 'app'], ['tenant', 'end_user', 'prompt'],
  ['tenant', 'app', 'key', 'end_user', 'model', 'upstream_model', 'deployment', 'provider', 'biz_level', 'plugin', 'prompt', 'status'],
];

for (const factory of dbs) {
  describe.skipIf(!factory.available)(`usage rollups reconcile with the ledger (${factory.name})`, () => {
    let database: TestDatabase;
    let store: SqlHubStore;
    let analytics: SqlUsageAnalyticsStore;
    let stored: UsageEvent[];
    const start = NOV_2026_SHANGHAI - 5 * HOUR;
    const span = 3 * DAY;

    beforeAll(async () => {
      database = await factory.create();
      store = await createStore(database.url);
      await store.migrate();
      analytics = createUsageAnalyticsStore(store);
      const rnd = seededRandom(factory.name === 'sqlite' ? 11 : 12);
      const rows = randomUsageRows(rnd, 2400, start, span);
      // Batches of uneven size, each batch re-sent once (a retried write), plus conflicting duplicates.
      for (let i = 0; i < rows.length; i += 350) {
        const batch = rows.slice(i, i + 350);
        await store.insertUsage(batch);
        await store.insertUsage(batch.slice(0, 100));
      }
      await store.insertUsage(rows.slice(0, 50).map((r) => ({ ...r, costMicros: r.costMicros + 999, startedAt: r.startedAt + HOUR })));
      stored = await store.queryUsage({});
    }, 120_000);
    afterAll(async () => {
      await store?.close();
      await database?.cleanup();
    });

    it('stores each (requestId, attempt) once', () => {
      expect(stored).toHaveLength(2400);
    });

    it('every grouping over unaligned ranges equals the sum of raw rows', async () => {
      const rnd = seededRandom(99);
      const buckets: UsageBucketSpec[] = [
        { kind: 'none' },
        { kind: 'uniform', originMs: 0, sizeMs: HOUR },
        { kind: 'uniform', originMs: NOV_2026_SHANGHAI - DAY, sizeMs: DAY },
        { kind: 'starts', starts: [start - HOUR, NOV_2026_SHANGHAI, NOV_2026_SHANGHAI + 7 * HOUR, NOV_2026_SHANGHAI + DAY] },
        // Day-aligned (UTC+08:00): whole days come from the daily rollup.
        { kind: 'starts', starts: [NOV_2026_SHANGHAI - DAY, NOV_2026_SHANGHAI, NOV_2026_SHANGHAI + 2 * DAY] },
      ];
      let compared = 0;
      for (const groupBy of GROUPINGS) {
        for (const bucket of buckets) {
          const from = start + Math.floor(rnd() * DAY);
          const to = from + Math.floor(rnd() * 2 * DAY);
          const q = { from, to, bucket, groupBy, filters: {} };
          const got = await analytics.queryUsageGroups(q);
          expect(canonical(got)).toEqual(canonical(referenceGroups(stored, q)));
          compared += got.length;
        }
      }
      expect(compared).toBeGreaterThan(1000);
    }, 60_000);

    it('whole range, aligned and with filters, equals the raw rows', async () => {
      const cases = [
        { from: 0, to: Number.MAX_SAFE_INTEGER, filters: {} },
        { from: start, to: start + span, filters: { tenant: ['t1'] } },
        { from: NOV_2026_SHANGHAI, to: NOV_2026_SHANGHAI + DAY, filters: { tenant: ['t2'], status: ['ok', 'timeout'], end_user: ['a,"quoted"\nuser', '张三'] } },
        { from: start + 1, to: start + 2, filters: {} },
        { from: start + 7 * HOUR + 17, to: start + 7 * HOUR + 1800_000, filters: { plugin: ['news-summary'] } },
        { from: start, to: start + span, filters: { tenant: [] } },
      ];
      for (const c of cases) {
        for (const groupBy of [['app', 'model'], ['end_user'], []] as UsageDimension[][]) {
          const q = { ...c, bucket: { kind: 'uniform', originMs: 0, sizeMs: HOUR } as UsageBucketSpec, groupBy };
          expect(canonical(await analytics.queryUsageGroups(q))).toEqual(canonical(referenceGroups(stored, q)));
        }
      }
      const all = await analytics.queryUsageGroups({ from: 0, to: Number.MAX_SAFE_INTEGER, bucket: { kind: 'none' }, groupBy: [], filters: {} });
      const cost = all.reduce((s, r) => s + r.metrics.costMicros, 0);
      expect(cost).toBe(stored.reduce((s, e) => s + e.costMicros, 0));
      expect(all.reduce((s, r) => s + r.metrics.attempts, 0)).toBe(2400);
    });

    it('a rebuild from the ledger yields the same rollups as the incremental writes', async () => {
      const readRollups = async () => {
        const read = (table: string) => store.db.selectFrom(table as never).selectAll().execute();
        const norm = (rows: unknown[]) => rows.map((r) => JSON.stringify(Object.entries(r as object).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v]).sort())).sort();
        return { core: norm(await read('usage_rollup_hourly_core')), full: norm(await read('usage_rollup_hourly')), daily: norm(await read('usage_rollup_daily_core')) };
      };
      const before = await readRollups();
      expect(before.core.length).toBeGreaterThan(0);
      expect(before.daily.length).toBeGreaterThan(0);
      const { rollupRows } = await analytics.rebuildUsageRollups();
      expect(rollupRows).toBe(before.core.length + before.full.length + before.daily.length);
      expect(await readRollups()).toEqual(before);
      await analytics.rebuildUsageRollups({ from: start + 5 * HOUR + 10, to: start + 30 * HOUR });
      expect(await readRollups()).toEqual(before);
    });

    it('pages raw events by (startedAt, id) with filters', async () => {
      const want = stored.filter((e) => e.tenantId === 't3').map((e) => `${e.requestId}/${e.attempt}`);
      const got: string[] = [];
      let after: { startedAt: number; id: number } | undefined;
      for (let page = 0; page < 100; page++) {
        const rows = await analytics.queryUsageEvents({ filters: { tenant: ['t3'] }, limit: 97, ...(after ? { after } : {}) });
        got.push(...rows.map((r) => `${r.event.requestId}/${r.event.attempt}`));
        const last = rows.at(-1);
        if (rows.length < 97 || last === undefined) break;
        after = { startedAt: last.event.startedAt, id: last.id };
      }
      expect(got).toEqual(want);
    });
  });
}
