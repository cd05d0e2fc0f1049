/**
 * Tenant isolation of the usage API (DESIGN.md §6 invariant 6): tenant admins and tenant
 * viewers only ever see their own tenant — an explicit filter on another tenant answers 404,
 * with or without data; viewers cannot write; no token answers 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/core/domain.js';
import { sampleUsage } from '../contract/store-fixtures.js';
import { startUsageTestHub, type UsageTestHub } from './usage-harness.js';

let t: UsageTestHub;
const FROM = Date.UTC(2026, 10, 1);
const row = (id: string, tenantId: string, extra: Partial<UsageEvent> = {}): UsageEvent =>
  sampleUsage(id, { tenantId, appId: `${tenantId}-app`, startedAt: FROM + 3_600_000, finishedAt: FROM + 3_601_000, costMicros: 1_000, ...extra });

beforeAll(async () => {
  t = await startUsageTestHub();
  await t.hub.store.insertUsage([row('a1', 'acme'), row('a2', 'acme', { costMicros: 2_000 }), row('g1', 'globex', { costMicros: 40_000 }), row('g2', 'globex')]);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const RANGE = `from=${FROM}&to=${FROM + 86_400_000}`;

describe('usage authorization', () => {
  it('platform admin and platform viewer see every tenant', async () => {
    for (const api of [t.api.platform, t.api.viewer]) {
      const r = await api('GET', `/usage?${RANGE}&group_by=tenant&bucket=none`);
      expect(r.status, r.text).toBe(200);
      expect(r.body.rows.map((x: { dims: { tenant: string } }) => x.dims.tenant).sort()).toEqual(['acme', 'globex']);
      expect(r.body.totals.costs[0].costMicros).toBe(44_000);
    }
  });

  it('tenant admin and tenant viewer see only their tenant, whatever they filter', async () => {
    for (const api of [t.api.acmeAdmin, t.api.acmeViewer]) {
      const mine = await api('GET', `/usage?${RANGE}&group_by=tenant,app&bucket=none`);
      expect(mine.status, mine.text).toBe(200);
      expect(mine.body.rows.map((x: { dims: { tenant: string } }) => x.dims.tenant)).toEqual(['acme']);
      expect(mine.body.totals.costs[0].costMicros).toBe(3_000);
      expect(mine.body.filters.tenant).toEqual(['acme']);
      for (const q of ['tenant=globex', 'tenant=acme,globex', 'tenant=acme&tenant=globex', 'tenant=no-such-tenant']) {
        const other = await api('GET', `/usage?${RANGE}&${q}`);
        expect(other.status, q).toBe(404);
        expect(other.text).not.toContain('40000');
      }
      // Filters on another tenant's app/key just match nothing inside the caller's tenant.
      const foreignApp = await api('GET', `/usage?${RANGE}&app=globex-app&bucket=none`);
      expect(foreignApp.body.totals.attempts).toBe(0);
      const ev = await api('GET', `/usage/events?${RANGE}`);
      expect(ev.body.data.map((e: { requestId: string }) => e.requestId).sort()).toEqual(['a1', 'a2']);
      expect((await api('GET', `/usage/events?request_id=g1`)).body.data).toEqual([]);
      expect((await api('GET', `/usage/events?tenant=globex`)).status).toBe(404);
      expect((await api('GET', '/tenants/globex/statement?month=2026-11')).status).toBe(404);
      expect((await api('GET', '/tenants/acme/statement?month=2026-11')).status).toBe(200);
      const csv = await api('GET', `/usage?${RANGE}&group_by=tenant&format=csv`);
      expect(csv.text).not.toContain('globex');
    }
    const globex = await t.api.globexAdmin('GET', `/usage?${RANGE}&bucket=none`);
    expect(globex.body.totals.costs[0].costMicros).toBe(41_000);
  });

  it('only platform admins rebuild rollups; viewers and tenant admins are refused; no token is 401', async () => {
    for (const api of [t.api.viewer, t.api.acmeViewer, t.api.acmeAdmin]) {
      expect((await api('POST', '/usage/rollups/rebuild', {})).status).toBe(403);
    }
    expect((await t.api.none('GET', '/usage')).status).toBe(401);
    expect((await t.api.none('GET', '/usage/events')).status).toBe(401);
    expect((await t.api.none('GET', '/tenants/acme/statement?month=2026-11')).status).toBe(401);
    const ok = await t.api.platform('POST', '/usage/rollups/rebuild', { from: String(FROM), to: String(FROM + 86_400_000) });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.rollupRows).toBeGreaterThan(0);
    const audit = await t.api.platform('GET', '/audit?action=usage.rollups.rebuild');
    expect(audit.body.data).toHaveLength(1);
    const after = await t.api.platform('GET', `/usage?${RANGE}&bucket=none`);
    expect(after.body.totals.costs[0].costMicros).toBe(44_000);
  });
});
