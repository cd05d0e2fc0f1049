/**
 * The admin test hub (test/admin/admin-harness.ts: data plane + admin API over a real
 * database) with the usage analytics wired in, plus tenants, apps, keys and one session per
 * principal: platform admin, acme tenant admin, globex tenant admin, platform viewer, acme viewer.
 */
import type { AdminCaller } from '../../src/governance/admin/index.js';
import { UsageService, attachUsageService } from '../../src/governance/usage/index.js';
import { createUsageAnalyticsStore } from '../../src/storage/sql/usage-analytics-store.js';
import { ADMIN_PASSWORD, adminClient, login, startAdminTestHub, type AdminTestHub } from '../admin/admin-harness.js';
import type { TestDatabase } from '../contract/databases.js';

export const USER_PASSWORD = 'usage-user-password-1';
export const FX = { USD_CNY: '7.20' } as const;

export interface UsageTestHub {
  hub: AdminTestHub;
  sys: AdminCaller;
  /** Admin API clients per principal (`none`: no token). */
  api: Record<'platform' | 'acmeAdmin' | 'globexAdmin' | 'viewer' | 'acmeViewer' | 'none', ReturnType<typeof adminClient>>;
  /** The platform admin's session token. */
  platformToken: string;
  /** Virtual keys (secrets) per app: acme-crm, acme-bi, globex-app. */
  keys: Record<'acme-crm' | 'acme-bi' | 'globex-app', string>;
  keyIds: Record<'acme-crm' | 'acme-bi' | 'globex-app', string>;
  close(): Promise<void>;
}

export async function startUsageTestHub(database?: TestDatabase): Promise<UsageTestHub> {
  const hub = await startAdminTestHub({ loginAttemptsPerMinute: 1000, ...(database !== undefined ? { database } : {}) });
  const s = hub.services;
  attachUsageService(s, new UsageService({ analytics: createUsageAnalyticsStore(hub.store), store: hub.store, fx: FX, audit: s.audit }));
  const admin = await hub.store.findAdminUserByUsername('admin');
  if (admin === undefined) throw new Error('bootstrap admin missing');
  const sys: AdminCaller = { userId: admin.id, username: 'admin', role: 'platform_admin', via: 'session', tokenId: 'usage-fixture' };
  await s.tenants.create(sys, { id: 'acme', name: 'Acme 科技' });
  await s.tenants.create(sys, { id: 'globex', name: 'Globex' });
  await s.apps.create(sys, { id: 'acme-crm', tenantId: 'acme', name: 'CRM 客服' });
  await s.apps.create(sys, { id: 'acme-bi', tenantId: 'acme', name: 'BI' });
  await s.apps.create(sys, { id: 'globex-app', tenantId: 'globex', name: 'Globex app' });
  const keys = {} as UsageTestHub['keys'];
  const keyIds = {} as UsageTestHub['keyIds'];
  for (const app of ['acme-crm', 'acme-bi', 'globex-app'] as const) {
    const issued = await s.keys.create(sys, { appId: app, name: `${app} key` });
    keys[app] = issued.key;
    keyIds[app] = issued.id;
  }
  await s.users.create(sys, { username: 'acme-admin', password: USER_PASSWORD, role: 'tenant_admin', tenantId: 'acme' });
  await s.users.create(sys, { username: 'globex-admin', password: USER_PASSWORD, role: 'tenant_admin', tenantId: 'globex' });
  await s.users.create(sys, { username: 'viewer', password: USER_PASSWORD, role: 'viewer' });
  await s.users.create(sys, { username: 'acme-viewer', password: USER_PASSWORD, role: 'viewer', tenantId: 'acme' });
  const client = async (user: string, password = USER_PASSWORD) => adminClient(hub.url, await login(hub.url, user, password));
  const platformToken = await login(hub.url, 'admin', ADMIN_PASSWORD);
  const api: UsageTestHub['api'] = {
    platform: adminClient(hub.url, platformToken),
    acmeAdmin: await client('acme-admin'),
    globexAdmin: await client('globex-admin'),
    viewer: await client('viewer'),
    acmeViewer: await client('acme-viewer'),
    none: adminClient(hub.url),
  };
  return { hub, sys, api, platformToken, keys, keyIds, close: () => hub.close() };
}

/** One chat completion through the data plane; returns the request id. */
export async function chat(base: string, key: string, body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Say hello to the usage ledger.' }], max_tokens: 8, ...body }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`chat failed: ${res.status} ${text.slice(0, 300)}`);
  return res.headers.get('x-request-id') ?? '';
}

/** Minimal RFC 4180 parser (quoted fields, doubled quotes, CRLF) for checking exports. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}
