import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, adminClient, login, startAdminTestHub, type AdminTestHub } from './admin-harness.js';

describe('admin smoke', () => {
  let hub: AdminTestHub;
  beforeAll(async () => { hub = await startAdminTestHub(); });
  afterAll(async () => { await hub?.close(); });

  it('logs in and lists tenants', async () => {
    const token = await login(hub.url, 'admin', ADMIN_PASSWORD);
    const api = adminClient(hub.url, token);
    const me = await api('GET', '/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.role).toBe('platform_admin');
    const t = await api('GET', '/tenants');
    expect(t.body.data.map((x: any) => x.id)).toContain('default');
    const created = await api('POST', '/tenants', { id: 'acme', name: 'Acme' });
    expect(created.status, created.text).toBe(201);
    const doc = await adminClient(hub.url)('GET', '/openapi.json');
    expect(doc.status, doc.text.slice(0, 500)).toBe(200);
  });
});
