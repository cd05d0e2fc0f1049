/** Security: escalation attempts, unknown fields, tenant viewers, sessions, login limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, adminClient, login, startAdminTestHub, type AdminTestHub, type ApiResult } from './admin-harness.js';
import { buildFixture, uniq, USER_PASSWORD, type Fixture } from './admin-fixture.js';

let hub: AdminTestHub;
let fx: Fixture;
const as = (token: string) => adminClient(hub.url, token);

beforeAll(async () => {
  hub = await startAdminTestHub({ loginAttemptsPerMinute: 5 });
  fx = await buildFixture(hub);
});
afterAll(async () => {
  await hub?.close();
});

describe('no escalation', () => {
  it('a tenant admin cannot create a platform admin, a platform viewer or a user of another tenant', async () => {
    const api = as(fx.tokens.own);
    const attempts = [
      { username: uniq('x'), password: USER_PASSWORD, role: 'platform_admin' },
      { username: uniq('x'), password: USER_PASSWORD, role: 'viewer' },
      { username: uniq('x'), password: USER_PASSWORD, role: 'tenant_admin', tenantId: 'globex' },
      { username: uniq('x'), password: USER_PASSWORD, role: 'tenant_admin', tenantId: 'no-such-tenant' },
    ];
    for (const body of attempts) {
      const r = await api('POST', '/users', body);
      expect(r.status, JSON.stringify(body)).toBe(403);
      expect(r.body.error.code).toBe('permission_denied');
    }
    const users = await hub.store.listAdminUsers();
    expect(users.filter((u) => u.role === 'platform_admin').map((u) => u.username)).toEqual(['admin']);
  });

  it('a tenant admin cannot promote a user of its tenant to platform admin or move it to another tenant', async () => {
    const api = as(fx.tokens.own);
    const created = await api('POST', '/users', { username: uniq('u'), password: USER_PASSWORD, role: 'viewer', tenantId: 'acme' });
    expect(created.status).toBe(201);
    expect((await api('PATCH', `/users/${created.body.id}`, { role: 'platform_admin' })).status).toBe(403);
    expect((await api('PATCH', `/users/${created.body.id}`, { tenantId: 'globex' })).status).toBe(403);
    expect((await api('PATCH', `/users/${created.body.id}`, { tenantId: null })).status).toBe(403);
    expect((await api('PATCH', `/users/${fx.userIds.own}`, { role: 'platform_admin' })).status).toBe(403);
    expect((await api('GET', `/users/${created.body.id}`)).body).toMatchObject({ role: 'viewer', tenantId: 'acme' });
  });

  it('a key cannot be moved to another tenant or app, and unknown fields are rejected with their path', async () => {
    const api = as(fx.tokens.own);
    for (const body of [{ tenantId: 'globex' }, { appId: 'globex-app' }, { hash: 'abc' }, { prefix: 'zs-x' }]) {
      const r = await api('PATCH', `/keys/${fx.acmeKeyId}`, body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
      expect(r.body.error.message).toContain(Object.keys(body)[0]);
    }
    const create = await api('POST', '/keys', { appId: 'globex-app', name: 'steal' });
    expect(create.status).toBe(404);
    const extra = await api('POST', '/keys', { appId: 'acme-app', name: 'x', tenantId: 'globex' });
    expect(extra.status).toBe(400);
    const nested = await api('POST', '/apps', { tenantId: 'acme', name: 'x', defaults: { bizLevel: 'premium', role: 'platform_admin' } });
    expect(nested.status).toBe(400);
    expect(nested.body.error.param).toBe('defaults');
    const key = await hub.store.listApiKeys();
    expect(key.find((k) => k.id === fx.acmeKeyId)?.tenantId).toBe('acme');
  });

  it('a tenant admin cannot raise its own tenant budget or rate limit, but can set its app\'s', async () => {
    const api = as(fx.tokens.own);
    expect((await api('POST', '/budgets', { scope: 'tenant:acme', period: 'month', limitMicros: 1, currency: 'USD', mode: 'hard' })).status).toBe(403);
    expect((await api('PUT', '/rate-limits/tenant:acme', { rpm: 1_000_000 })).status).toBe(403);
    expect((await api('PUT', '/rate-limits/deployment:d1', { rpm: 1 })).status).toBe(403);
    expect((await api('PUT', '/rate-limits/app:globex-app', { rpm: 1 })).status).toBe(404);
    expect((await api('POST', '/budgets', { scope: 'end_user:globex/bob', period: 'day', limitMicros: 1, currency: 'USD', mode: 'hard' })).status).toBe(404);
    expect((await api('POST', '/budgets', { scope: 'end_user:acme/bob', period: 'day', limitMicros: 1, currency: 'USD', mode: 'hard' })).status).toBe(201);
    expect((await api('DELETE', '/tenants/acme')).status).toBe(403);
  });

  it('lists hide other tenants\' objects from tenant-scoped callers', async () => {
    const api = as(fx.tokens.own);
    const keys = await api('GET', '/keys?limit=200');
    expect(keys.body.data.every((k: { tenantId: string }) => k.tenantId === 'acme')).toBe(true);
    expect((await api('GET', '/keys?tenantId=globex')).body.data).toEqual([]);
    expect((await api('GET', '/tenants')).body.data.map((t: { id: string }) => t.id)).toEqual(['acme']);
    const users = (await api('GET', '/users')).body.data as { tenantId?: string }[];
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((u) => u.tenantId === 'acme')).toBe(true);
    const audit = (await api('GET', '/audit?limit=200')).body.data as { tenantId?: string }[];
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((e) => e.tenantId === 'acme')).toBe(true);
    expect((await api('GET', '/audit?tenantId=globex')).body.data).toEqual([]);
  });

  it('a tenant viewer reads its tenant only and writes nothing', async () => {
    const api = as(fx.tokens.acmeViewer);
    expect((await api('GET', `/keys/${fx.acmeKeyId}`)).status).toBe(200);
    expect((await api('GET', `/keys/${fx.globexKeyId}`)).status).toBe(404);
    expect((await api('POST', '/keys', { appId: 'acme-app', name: 'x' })).status).toBe(403);
    expect((await api('PATCH', '/apps/acme-app', { name: 'x' })).status).toBe(403);
    expect((await api('GET', '/providers')).status).toBe(403);
    expect((await api('POST', '/users', { username: uniq('u'), password: USER_PASSWORD, role: 'viewer', tenantId: 'acme' })).status).toBe(403);
  });

  it('the last enabled platform admin cannot be disabled or demoted', async () => {
    const api = as(fx.tokens.platform);
    expect((await api('PATCH', `/users/${fx.userIds.platform}`, { disabled: true })).status).toBe(409);
    expect((await api('PATCH', `/users/${fx.userIds.platform}`, { role: 'viewer' })).status).toBe(409);
  });
});

describe('sessions and tokens', () => {
  it('rejects missing, malformed and unknown bearer tokens with unauthorized', async () => {
    for (const token of [undefined, 'garbage', `zsas_${'A'.repeat(43)}`, fx.acmeKeySecret]) {
      const r = await adminClient(hub.url, token)('GET', '/auth/me');
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ code: 'unauthorized', type: 'authentication_error' });
    }
  });

  it('logout ends the session at once', async () => {
    const token = await login(hub.url, 'viewer', USER_PASSWORD);
    expect((await as(token)('GET', '/auth/me')).status).toBe(200);
    expect((await as(token)('POST', '/auth/logout')).status).toBe(204);
    expect((await as(token)('GET', '/auth/me')).status).toBe(401);
  });

  it('an admin API token is shown once, acts as its user, and stops working when revoked', async () => {
    const created = await as(fx.tokens.own)('POST', '/auth/tokens', { name: 'ci' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^zsat_/);
    const me = await as(token)('GET', '/auth/me');
    expect(me.body).toMatchObject({ username: 'acme-admin', via: 'api_token', tenantId: 'acme' });
    const listed = await as(fx.tokens.own)('GET', '/auth/tokens');
    expect(listed.text).not.toContain(token);
    expect(listed.text).not.toContain('hash');
    expect((await as(fx.tokens.own)('DELETE', `/auth/tokens/${created.body.id}`)).status).toBe(200);
    expect((await as(token)('GET', '/auth/me')).status).toBe(401);
  });

  it('disabling a user ends its sessions and blocks login', async () => {
    const user = await as(fx.tokens.platform)('POST', '/users', { username: uniq('tmp'), password: USER_PASSWORD, role: 'viewer' });
    const token = await login(hub.url, user.body.username, USER_PASSWORD);
    expect((await as(fx.tokens.platform)('PATCH', `/users/${user.body.id}`, { disabled: true })).status).toBe(200);
    expect((await as(token)('GET', '/auth/me')).status).toBe(401);
    const again = await adminClient(hub.url)('POST', '/auth/login', { username: user.body.username, password: USER_PASSWORD });
    expect(again.status).toBe(401);
  });

  it('a wrong password and an unknown user get the same answer; logins are rate limited per user and address', async () => {
    const anon = adminClient(hub.url);
    const wrong = await anon('POST', '/auth/login', { username: 'acme-viewer', password: 'nope-nope' });
    const unknown = await anon('POST', '/auth/login', { username: 'nobody-here', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    let limited: ApiResult | undefined;
    for (let i = 0; i < 10 && limited === undefined; i++) {
      const r = await anon('POST', '/auth/login', { username: 'acme-viewer', password: 'nope-nope' });
      if (r.status === 429) limited = r;
    }
    expect(limited?.body.error.code).toBe('rate_limited');
    // Another username from the same address is not affected.
    expect((await anon('POST', '/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
  });

  it('changing one\'s own password ends one\'s sessions; the new password works', async () => {
    const name = uniq('pw');
    await as(fx.tokens.platform)('POST', '/users', { username: name, password: USER_PASSWORD, role: 'viewer' });
    const token = await login(hub.url, name, USER_PASSWORD);
    const r = await as(token)('POST', '/auth/password', { currentPassword: USER_PASSWORD, newPassword: 'brand-new-password-9' });
    expect(r.status).toBe(204);
    expect((await as(token)('GET', '/auth/me')).status).toBe(401);
    expect(await login(hub.url, name, 'brand-new-password-9')).toMatch(/^zsas_/);
  });
});

describe('session expiry', () => {
  it('a session stops working when it expires, and expired sessions are pruned at the next login', async () => {
    const short = await startAdminTestHub({ sessionTtlMs: 300 });
    try {
      const token = await login(short.url, 'admin', ADMIN_PASSWORD);
      expect((await adminClient(short.url, token)('GET', '/auth/me')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 400));
      const r = await adminClient(short.url, token)('GET', '/auth/me');
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
      await login(short.url, 'admin', ADMIN_PASSWORD);
      const sessions = (await short.adminStore.listAdminTokens()).filter((t) => t.kind === 'session');
      expect(sessions).toHaveLength(1);
    } finally {
      await short.close();
    }
  });
});
