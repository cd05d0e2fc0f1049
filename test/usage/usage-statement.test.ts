/**
 * Calendar buckets in Asia/Shanghai and the monthly statement, over HTTP on SQLite and
 * PostgreSQL: rows one millisecond either side of local midnight / month end land in the
 * right bucket; statement lines and per-currency totals equal the raw rows of the month; the
 * converted total is the sum of half-up converted lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/core/domain.js';
import { convertMicros } from '../../src/gateway/accounting/pricing-fx.js';
import { sampleUsage } from '../contract/store-fixtures.js';
import { testDatabases } from '../contract/databases.js';
import { FX, parseCsv, startUsageTestHub, type UsageTestHub } from './usage-harness.js';
import { NOV_2026_SHANGHAI, randomUsageRows, seededRandom } from './usage-fixtures.js';

const dbs = await testDatabases();
const DAY = 86_400_000;
const DEC_2026_SHANGHAI = Date.UTC(2026, 10, 30, 16);

for (const factory of dbs) {
  describe.skipIf(!factory.available)(`buckets and statements (${factory.name})`, () => {
    let t: UsageTestHub;
    let month: UsageEvent[];
    const edge = (id: string, at: number, extra: Partial<UsageEvent> = {}) =>
      sampleUsage(id, { tenantId: 'acme', appId: 'acme-crm', startedAt: at, finishedAt: at + 10, costMicros: 1_000_000, ...extra });

    beforeAll(async () => {
      t = await startUsageTestHub(await factory.create());
      const edges = [
        edge('before-nov', NOV_2026_SHANGHAI - 1),
        edge('nov-first', NOV_2026_SHANGHAI),
        edge('nov-last', DEC_2026_SHANGHAI - 1, { currency: 'CNY', costMicros: 7_000_001 }),
        edge('dec-first', DEC_2026_SHANGHAI),
      ];
      const rnd = seededRandom(5);
      const random = randomUsageRows(rnd, 600, NOV_2026_SHANGHAI - 2 * DAY, 34 * DAY, 'st').map((e) => ({
        ...e, tenantId: rnd() < 0.7 ? 'acme' : 'globex', appId: rnd() < 0.5 ? 'acme-crm' : 'acme-bi',
      }));
      await t.hub.store.insertUsage([...edges, ...random]);
      month = (await t.hub.store.queryUsage({ tenantId: 'acme', from: NOV_2026_SHANGHAI, to: DEC_2026_SHANGHAI }));
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    it('day and month buckets follow Asia/Shanghai midnight; tz=UTC moves them', async () => {
      const q = 'tenant=acme&app=acme-crm&model=chat-standard&deployment=d1';
      const days = await t.api.platform('GET', `/usage?from=2026-10-31&to=2026-12-02&bucket=day&${q}`);
      expect(days.status, days.text).toBe(200);
      const byBucket = Object.fromEntries(days.body.rows.map((r: { bucket: string; attempts: number }) => [r.bucket, r.attempts]));
      expect(byBucket).toEqual({
        '2026-10-31T00:00:00+08:00': 1, '2026-11-01T00:00:00+08:00': 1, '2026-11-30T00:00:00+08:00': 1, '2026-12-01T00:00:00+08:00': 1,
      });
      const months = await t.api.platform('GET', `/usage?from=2026-10&to=2026-12-02&bucket=month&${q}&group_by=currency`);
      const m = months.body.rows.map((r: { bucket: string; currency: string; attempts: number }) => `${r.bucket} ${r.currency} ${r.attempts}`);
      expect(m).toEqual(['2026-10-01T00:00:00+08:00 USD 1', '2026-11-01T00:00:00+08:00 CNY 1', '2026-11-01T00:00:00+08:00 USD 1', '2026-12-01T00:00:00+08:00 USD 1']);
      const utc = await t.api.platform('GET', `/usage?from=2026-10-31T00:00:00Z&to=2026-12-02T00:00:00Z&bucket=day&tz=UTC&${q}`);
      // Rows are split by currency too: nov-last is CNY, dec-first USD.
      expect(utc.body.rows.map((r: { bucket: string; currency: string; attempts: number }) => `${r.bucket} ${r.currency} ${r.attempts}`)).toEqual([
        '2026-10-31T00:00:00+00:00 USD 2', '2026-11-30T00:00:00+00:00 CNY 1', '2026-11-30T00:00:00+00:00 USD 1',
      ]);
    });

    it('a statement covers exactly the local month, lines summing to per-currency totals', async () => {
      const r = await t.api.platform('GET', '/tenants/acme/statement?month=2026-11');
      expect(r.status, r.text).toBe(200);
      const s = r.body;
      expect(s.fromIso).toBe('2026-11-01T00:00:00+08:00');
      expect(s.toIso).toBe('2026-12-01T00:00:00+08:00');
      expect(s.tenantName).toBe('Acme 科技');
      const ids = new Set(month.map((e) => e.requestId));
      expect(ids.has('nov-first') && ids.has('nov-last') && !ids.has('before-nov') && !ids.has('dec-first')).toBe(true);
      for (const currency of ['USD', 'CNY']) {
        const want = month.filter((e) => e.currency === currency).reduce((a, e) => a + e.costMicros, 0);
        const lines = s.lines.filter((l: { currency: string }) => l.currency === currency).reduce((a: number, l: { costMicros: number }) => a + l.costMicros, 0);
        const total = s.totals.costs.find((c: { currency: string }) => c.currency === currency).costMicros;
        expect([lines, total]).toEqual([want, want]);
      }
      expect(s.totals.attempts).toBe(month.length);
      expect(s.lines.find((l: { appId: string }) => l.appId === 'acme-crm').appName).toBe('CRM 客服');
    });

    it('converts every line half-up and totals the converted lines', async () => {
      for (const target of ['CNY', 'USD'] as const) {
        const r = await t.api.platform('GET', `/tenants/acme/statement?month=2026-11&currency=${target}`);
        expect(r.status, r.text).toBe(200);
        let sum = 0;
        for (const l of r.body.lines) {
          expect(l.converted.costMicros).toBe(convertMicros(l.costMicros, l.currency, target, FX));
          sum += l.converted.costMicros;
        }
        expect(r.body.converted).toMatchObject({ currency: target, costMicros: sum, fx: { USD_CNY: '7.20' } });
      }
      const csv = await t.api.platform('GET', '/tenants/acme/statement?month=2026-11&currency=CNY&format=csv');
      const table = parseCsv(csv.text.replace(/^\uFEFF/, ''));
      expect(table.length - 1).toBe((await t.api.platform('GET', '/tenants/acme/statement?month=2026-11')).body.lines.length);
      expect((await t.api.platform('GET', '/tenants/acme/statement?month=2026-13')).status).toBe(400);
      expect((await t.api.platform('GET', '/tenants/nobody/statement?month=2026-11')).status).toBe(404);
    });
  });
}
