/**
 * Every admin route × {platform admin, own-tenant admin, other-tenant admin, platform viewer,
 * no auth}: the expected status of each. Objects under test belong to tenant `acme` (the
 * "own" tenant); mutating rows create a fresh object per principal so rows stay independent.
 * A route missing from the table fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageService, attachUsageService } from '../../src/governance/usage/index.js';
import { allAdminRoutes } from '../../src/http/admin/index.js';
import { createUsageAnalyticsStore } from '../../src/storage/sql/usage-analytics-store.js';
import { adminClient, login, startAdminTestHub, type AdminTestHub } from './admin-harness.js';
import { buildFixture, PRINCIPALS, uniq, USER_PASSWORD, type Fixture, type PrincipalName } from './admin-fixture.js';

interface Req {
  path: string;
  body?: unknown;
  /** Overrides the principal's token (e.g. logout with a throw-away session). */
  token?: string;
}

interface Row {
  route: string;
  /** Expected status for platform, own, other, viewer, none. */
  expect: [number, number, number, number, number];
  req: (p: PrincipalName) => Promise<Req> | Req;
}

let hub: AdminTestHub;
let fx: Fixture;

const sys = () => fx.sys;
const s = () => hub.services;
const freshApp = async () => (await s().apps.create(sys(), { tenantId: 'acme', name: 'tmp' })).id;
const freshKey = async () => (await s().keys.create(sys(), { appId: 'acme-app', name: 'tmp' })).id;
const freshUser = async () => (await s().users.create(sys(), { username: uniq('u'), password: USER_PASSWORD, role: 'viewer', tenantId: 'acme' })).id;
const freshProvider = async (apiKey?: string) => (await s().providers.create(sys(), { id: uniq('p'), kind: 'openai', ...(apiKey ? { apiKey } : {}) })).id;
const freshDeployment = async () =>
  (await s().deployments.create(sys(), { id: uniq('d'), providerId: 'p1', model: 'm', tier: 'economy', capabilities: [], contextWindow: 4000, limits: {}, weight: 1, status: 'enabled' })).id;
const freshAlias = async () => (await s().aliases.create(sys(), { name: uniq('al'), members: [{ deploymentId: 'd1', weight: 1 }] })).name;
const freshBudget = async () => (await s().limits.createBudget(sys(), { scope: 'app:acme-app', period: 'day', limitMicros: 5, currency: 'CNY', mode: 'hard' })).id;
const freshRateLimit = async () => (await s().limits.putRateLimit(sys(), `key:${await freshKey()}`, { rpm: 5 })).scope;
const freshTenant = async () => (await s().tenants.create(sys(), { name: 'tmp' })).id;
const deploymentBody = () => ({ id: uniq('d'), providerId: 'p1', model: 'm', tier: 'economy', contextWindow: 4000 });

const ALL_OK = (ok: number): Row['expect'] => [ok, ok, ok, ok, 401];
const ACME_WRITE = (ok: number): Row['expect'] => [ok, ok, 404, 403, 401];
const ACME_READ: Row['expect'] = [200, 200, 404, 200, 401];
const PLATFORM_WRITE = (ok: number): Row['expect'] => [ok, 403, 403, 403, 401];
const PLATFORM_READ: Row['expect'] = [200, 403, 403, 200, 401];

const ROWS: Row[] = [
  { route: 'POST /auth/login', expect: [200, 200, 200, 200, 200], req: () => ({ path: '/auth/login', body: { username: 'viewer', password: USER_PASSWORD } }) },
  { route: 'POST /auth/logout', expect: ALL_OK(204), req: async (p) => ({ path: '/auth/logout', ...(p === 'none' ? {} : { token: await login(hub.url, usernameOf(p), passwordOf(p)) }) }) },
  { route: 'GET /auth/me', expect: ALL_OK(200), req: () => ({ path: '/auth/me' }) },
  { route: 'POST /auth/password', expect: ALL_OK(403), req: () => ({ path: '/auth/password', body: { currentPassword: 'wrong-password', newPassword: 'whatever-123' } }) },
  { route: 'GET /auth/tokens', expect: ALL_OK(200), req: () => ({ path: '/auth/tokens' }) },
  { route: 'POST /auth/tokens', expect: ALL_OK(201), req: () => ({ path: '/auth/tokens', body: { name: 'ci' } }) },
  { route: 'DELETE /auth/tokens/:id', expect: [200, 404, 404, 404, 401], req: async () => ({ path: `/auth/tokens/${(await s().auth.createApiToken(sys(), 'x')).record.id}` }) },

  { route: 'GET /tenants', expect: ALL_OK(200), req: () => ({ path: '/tenants' }) },
  { route: 'POST /tenants', expect: PLATFORM_WRITE(201), req: () => ({ path: '/tenants', body: { id: uniq('t'), name: 'New' } }) },
  { route: 'GET /tenants/:id', expect: ACME_READ, req: () => ({ path: '/tenants/acme' }) },
  { route: 'PATCH /tenants/:id', expect: [200, 403, 404, 403, 401], req: () => ({ path: '/tenants/acme', body: { name: 'Acme Inc' } }) },
  { route: 'DELETE /tenants/:id', expect: [204, 404, 404, 403, 401], req: async () => ({ path: `/tenants/${await freshTenant()}` }) },

  { route: 'GET /apps', expect: ALL_OK(200), req: () => ({ path: '/apps' }) },
  { route: 'POST /apps', expect: ACME_WRITE(201), req: () => ({ path: '/apps', body: { tenantId: 'acme', name: 'New app', defaults: { bizLevel: 'premium' } } }) },
  { route: 'GET /apps/:id', expect: ACME_READ, req: () => ({ path: '/apps/acme-app' }) },
  { route: 'PATCH /apps/:id', expect: ACME_WRITE(200), req: () => ({ path: '/apps/acme-app', body: { name: 'Renamed' } }) },
  { route: 'DELETE /apps/:id', expect: ACME_WRITE(204), req: async () => ({ path: `/apps/${await freshApp()}` }) },

  { route: 'GET /keys', expect: ALL_OK(200), req: () => ({ path: '/keys' }) },
  { route: 'POST /keys', expect: ACME_WRITE(201), req: () => ({ path: '/keys', body: { appId: 'acme-app', name: 'k' } }) },
  { route: 'GET /keys/:id', expect: ACME_READ, req: () => ({ path: `/keys/${fx.acmeKeyId}` }) },
  { route: 'PATCH /keys/:id', expect: ACME_WRITE(200), req: () => ({ path: `/keys/${fx.acmeKeyId}`, body: { name: 'renamed' } }) },
  { route: 'POST /keys/:id/revoke', expect: ACME_WRITE(200), req: async () => ({ path: `/keys/${await freshKey()}/revoke` }) },
  { route: 'POST /keys/:id/rotate', expect: ACME_WRITE(201), req: async () => ({ path: `/keys/${await freshKey()}/rotate`, body: { gracePeriodSeconds: 60 } }) },

  { route: 'GET /users', expect: ALL_OK(200), req: () => ({ path: '/users' }) },
  { route: 'POST /users', expect: [201, 201, 403, 403, 401], req: () => ({ path: '/users', body: { username: uniq('u'), password: USER_PASSWORD, role: 'viewer', tenantId: 'acme' } }) },
  { route: 'GET /users/:id', expect: ACME_READ, req: async () => ({ path: `/users/${await freshUser()}` }) },
  { route: 'PATCH /users/:id', expect: ACME_WRITE(200), req: async () => ({ path: `/users/${await freshUser()}`, body: { disabled: true } }) },

  { route: 'GET /providers', expect: PLATFORM_READ, req: () => ({ path: '/providers' }) },
  { route: 'POST /providers', expect: PLATFORM_WRITE(201), req: () => ({ path: '/providers', body: { id: uniq('p'), kind: 'deepseek', credentialRef: 'env:DEEPSEEK_API_KEY' } }) },
  { route: 'GET /providers/:id', expect: PLATFORM_READ, req: () => ({ path: '/providers/p1' }) },
  { route: 'PATCH /providers/:id', expect: PLATFORM_WRITE(200), req: () => ({ path: '/providers/p1', body: { options: { retries: 1 } } }) },
  { route: 'DELETE /providers/:id', expect: PLATFORM_WRITE(204), req: async () => ({ path: `/providers/${await freshProvider()}` }) },
  { route: 'GET /providers/:id/credential', expect: PLATFORM_READ, req: () => ({ path: '/providers/p1/credential' }) },
  { route: 'PUT /providers/:id/credential', expect: PLATFORM_WRITE(200), req: async () => ({ path: `/providers/${await freshProvider()}/credential`, body: { apiKey: 'sk-another-secret-000111222333' } }) },
  { route: 'DELETE /providers/:id/credential', expect: PLATFORM_WRITE(204), req: async () => ({ path: `/providers/${await freshProvider('sk-to-delete-44445555666677')}/credential` }) },

  { route: 'GET /deployments', expect: ALL_OK(200), req: () => ({ path: '/deployments' }) },
  { route: 'POST /deployments', expect: PLATFORM_WRITE(201), req: () => ({ path: '/deployments', body: deploymentBody() }) },
  { route: 'GET /deployments/:id', expect: ALL_OK(200), req: () => ({ path: '/deployments/d1' }) },
  { route: 'PATCH /deployments/:id', expect: PLATFORM_WRITE(200), req: () => ({ path: '/deployments/d1', body: { weight: 2 } }) },
  { route: 'DELETE /deployments/:id', expect: PLATFORM_WRITE(204), req: async () => ({ path: `/deployments/${await freshDeployment()}` }) },

  { route: 'GET /aliases', expect: ALL_OK(200), req: () => ({ path: '/aliases' }) },
  { route: 'POST /aliases', expect: PLATFORM_WRITE(201), req: () => ({ path: '/aliases', body: { name: uniq('al'), members: [{ deploymentId: 'd1', weight: 1 }] } }) },
  { route: 'GET /aliases/:name', expect: ALL_OK(200), req: () => ({ path: '/aliases/al1' }) },
  { route: 'PATCH /aliases/:name', expect: PLATFORM_WRITE(200), req: () => ({ path: '/aliases/al1', body: { description: 'pool' } }) },
  { route: 'DELETE /aliases/:name', expect: PLATFORM_WRITE(204), req: async () => ({ path: `/aliases/${await freshAlias()}` }) },

  { route: 'GET /budgets', expect: ALL_OK(200), req: () => ({ path: '/budgets' }) },
  { route: 'POST /budgets', expect: ACME_WRITE(201), req: () => ({ path: '/budgets', body: { scope: 'app:acme-app', period: 'month', limitMicros: 100, currency: 'USD', mode: 'hard' } }) },
  { route: 'GET /budgets/:id', expect: ACME_READ, req: () => ({ path: `/budgets/${fx.budgetId}` }) },
  { route: 'PATCH /budgets/:id', expect: ACME_WRITE(200), req: () => ({ path: `/budgets/${fx.budgetId}`, body: { limitMicros: 2_000_000 } }) },
  { route: 'DELETE /budgets/:id', expect: ACME_WRITE(204), req: async () => ({ path: `/budgets/${await freshBudget()}` }) },

  { route: 'GET /rate-limits', expect: ALL_OK(200), req: () => ({ path: '/rate-limits' }) },
  { route: 'GET /rate-limits/:scope', expect: ACME_READ, req: () => ({ path: '/rate-limits/app:acme-app' }) },
  { route: 'PUT /rate-limits/:scope', expect: ACME_WRITE(200), req: () => ({ path: '/rate-limits/app:acme-app', body: { rpm: 120, tpm: 50_000 } }) },
  { route: 'DELETE /rate-limits/:scope', expect: ACME_WRITE(204), req: async () => ({ path: `/rate-limits/${await freshRateLimit()}` }) },

  { route: 'GET /audit', expect: ALL_OK(200), req: () => ({ path: '/audit' }) },

  { route: 'GET /budgets/status', expect: ALL_OK(200), req: () => ({ path: '/budgets/status' }) },
  { route: 'GET /traces/:requestId', expect: [404, 404, 404, 404, 401], req: () => ({ path: '/traces/req_unknown' }) },
  { route: 'GET /deployments/health', expect: PLATFORM_READ, req: () => ({ path: '/deployments/health' }) },
  { route: 'POST /deployments/:id/health/:action', expect: PLATFORM_WRITE(200), req: () => ({ path: '/deployments/sim-economy/health/reset' }) },

  { route: 'GET /usage', expect: ACME_READ, req: () => ({ path: '/usage?tenant=acme&group_by=app' }) },
  { route: 'GET /usage/events', expect: ACME_READ, req: () => ({ path: '/usage/events?tenant=acme' }) },
  { route: 'GET /tenants/:id/statement', expect: ACME_READ, req: () => ({ path: '/tenants/acme/statement?month=2026-11' }) },
  { route: 'POST /usage/rollups/rebuild', expect: PLATFORM_WRITE(200), req: () => ({ path: '/usage/rollups/rebuild', body: {} }) },
  { route: 'GET /openapi.json', expect: [200, 200, 200, 200, 200], req: () => ({ path: '/openapi.json' }) },
];

function usernameOf(p: PrincipalName): string {
  return { platform: 'admin', own: 'acme-admin', other: 'globex-admin', viewer: 'viewer', none: '' }[p];
}
function passwordOf(p: PrincipalName): string {
  return p === 'platform' ? 'admin-password-for-tests-1' : USER_PASSWORD;
}

beforeAll(async () => {
  hub = await startAdminTestHub({ loginAttemptsPerMinute: 1000 });
  attachUsageService(hub.services, new UsageService({ analytics: createUsageAnalyticsStore(hub.store), store: hub.store, fx: { USD_CNY: '7.20' }, audit: hub.services.audit }));
  fx = await buildFixture(hub);
});
afterAll(async () => {
  await hub?.close();
});

describe('admin authorization table', () => {
  it('covers every registered admin route', () => {
    const registered = allAdminRoutes().map((r) => `${r.method} ${r.path}`).sort();
    expect(ROWS.map((r) => r.route).sort()).toEqual(registered);
  });

  for (const row of ROWS) {
    it(row.route, async () => {
      const method = row.route.split(' ')[0] as string;
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      for (const [i, p] of PRINCIPALS.entries()) {
        const req = await row.req(p);
        const token = req.token ?? (p === 'none' ? undefined : fx.tokens[p]);
        const res = await adminClient(hub.url, token)(method, req.path, req.body);
        got[p] = res.status;
        want[p] = row.expect[i] as number;
        if (res.status >= 400) expect(res.body?.error?.code, `${p}: ${res.text}`).toBeTypeOf('string');
      }
      expect(got).toEqual(want);
    });
  }
});
