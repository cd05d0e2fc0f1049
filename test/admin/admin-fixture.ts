/**
 * A shared fixture for admin tests: tenants `acme` (own) and `globex` (other), an app and key
 * in each, a provider with a stored credential, a deployment, an alias, a budget and a rate
 * limit — and one session per principal: platform admin, acme tenant admin, globex tenant
 * admin, platform-wide viewer, acme viewer.
 */
import { randomBytes } from 'node:crypto';
import type { AdminCaller } from '../../src/governance/admin/index.js';
import { ADMIN_PASSWORD, login, type AdminTestHub } from './admin-harness.js';

export const PRINCIPALS = ['platform', 'own', 'other', 'viewer', 'none'] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

export const PROVIDER_SECRET = 'sk-provider-secret-9f8e7d6c5b4a39281706';
export const USER_PASSWORD = 'user-password-123';

export interface Fixture {
  sys: AdminCaller;
  tokens: Record<Exclude<PrincipalName, 'none'>, string> & { acmeViewer: string };
  userIds: Record<'own' | 'other' | 'viewer' | 'acmeViewer' | 'platform', string>;
  acmeKeyId: string;
  acmeKeySecret: string;
  globexKeyId: string;
  budgetId: string;
}

export const uniq = (p: string): string => `${p}-${randomBytes(4).toString('hex')}`;

export async function buildFixture(hub: AdminTestHub): Promise<Fixture> {
  const s = hub.services;
  const admin = await hub.store.findAdminUserByUsername('admin');
  if (admin === undefined) throw new Error('bootstrap admin missing');
  const sys: AdminCaller = { userId: admin.id, username: 'admin', role: 'platform_admin', via: 'session', tokenId: 'fixture' };
  await s.tenants.create(sys, { id: 'acme', name: 'Acme' });
  await s.tenants.create(sys, { id: 'globex', name: 'Globex' });
  await s.apps.create(sys, { id: 'acme-app', tenantId: 'acme', name: 'Acme app', limits: { rpm: 100 } });
  await s.apps.create(sys, { id: 'globex-app', tenantId: 'globex', name: 'Globex app' });
  const acmeKey = await s.keys.create(sys, { appId: 'acme-app', name: 'acme key' });
  const globexKey = await s.keys.create(sys, { appId: 'globex-app', name: 'globex key' });
  await s.providers.create(sys, { id: 'p1', kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: PROVIDER_SECRET });
  await s.deployments.create(sys, { id: 'd1', providerId: 'p1', model: 'gpt-x', tier: 'standard', capabilities: [], contextWindow: 8000, limits: {}, weight: 1, status: 'enabled' });
  await s.aliases.create(sys, { name: 'al1', members: [{ deploymentId: 'd1', weight: 1 }] });
  const budget = await s.limits.createBudget(sys, { scope: 'app:acme-app', period: 'month', limitMicros: 1_000_000, currency: 'USD', mode: 'hard' });
  const own = await s.users.create(sys, { username: 'acme-admin', password: USER_PASSWORD, role: 'tenant_admin', tenantId: 'acme' });
  const other = await s.users.create(sys, { username: 'globex-admin', password: USER_PASSWORD, role: 'tenant_admin', tenantId: 'globex' });
  const viewer = await s.users.create(sys, { username: 'viewer', password: USER_PASSWORD, role: 'viewer' });
  const acmeViewer = await s.users.create(sys, { username: 'acme-viewer', password: USER_PASSWORD, role: 'viewer', tenantId: 'acme' });
  return {
    sys,
    tokens: {
      platform: await login(hub.url, 'admin', ADMIN_PASSWORD),
      own: await login(hub.url, 'acme-admin', USER_PASSWORD),
      other: await login(hub.url, 'globex-admin', USER_PASSWORD),
      viewer: await login(hub.url, 'viewer', USER_PASSWORD),
      acmeViewer: await login(hub.url, 'acme-viewer', USER_PASSWORD),
    },
    userIds: { platform: admin.id, own: own.id, other: other.id, viewer: viewer.id, acmeViewer: acmeViewer.id },
    acmeKeyId: acmeKey.id,
    acmeKeySecret: acmeKey.key,
    globexKeyId: globexKey.id,
    budgetId: budget.id,
  };
}
