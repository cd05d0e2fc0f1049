/** Audit rows: recorded for every write, filterable, paginated, and free of secrets — on SQLite and PostgreSQL. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../contract/databases.js';
import { adminClient, login, startAdminTestHub, type AdminTestHub } from './admin-harness.js';
import { buildFixture, PROVIDER_SECRET, uniq, USER_PASSWORD, type Fixture } from './admin-fixture.js';

const factories = await testDatabases();

for (const factory of factories) {
  describe.skipIf(!factory.available)(`admin audit — ${factory.name}`, () => {
    let hub: AdminTestHub;
    let fx: Fixture;
    const secrets: string[] = [];

    beforeAll(async () => {
      hub = await startAdminTestHub({ database: await factory.create(), loginAttemptsPerMinute: 100 });
      fx = await buildFixture(hub);
      secrets.push(PROVIDER_SECRET, fx.acmeKeySecret, USER_PASSWORD, createHash('sha256').update(fx.acmeKeySecret).digest('hex'));
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('records every write with actor, target, tenant, before/after and the request id', async () => {
      const api = adminClient(hub.url, fx.tokens.own);
      const created = await api('POST', '/keys', { appId: 'acme-app', name: 'audited', allowedModels: ['chat-economy'] });
      expect(created.status).toBe(201);
      secrets.push(created.body.key, createHash('sha256').update(created.body.key).digest('hex'));
      const revoked = await api('POST', `/keys/${created.body.id}/revoke`);
      expect(revoked.status).toBe(200);

      const page = await adminClient(hub.url, fx.tokens.platform)('GET', `/audit?targetId=${created.body.id}`);
      expect(page.status).toBe(200);
      const [revokeEvent, createEvent] = page.body.data;
      expect(createEvent).toMatchObject({
        action: 'key.create', actorType: 'user', actorId: fx.userIds.own, actorName: 'acme-admin', targetType: 'key',
        targetId: created.body.id, tenantId: 'acme', requestId: created.headers.get('x-request-id'),
      });
      expect(createEvent.before).toBeUndefined();
      expect(createEvent.after).toMatchObject({ name: 'audited', prefix: created.body.prefix, allowedModels: ['chat-economy'] });
      expect(revokeEvent).toMatchObject({ action: 'key.revoke', requestId: revoked.headers.get('x-request-id') });
      expect(revokeEvent.before.status).toBe('active');
      expect(revokeEvent.after.status).toBe('revoked');
    });

    it('records the admin token id when the actor used an API token', async () => {
      const tok = await adminClient(hub.url, fx.tokens.platform)('POST', '/auth/tokens', { name: 'automation' });
      secrets.push(tok.body.token);
      const r = await adminClient(hub.url, tok.body.token)('PATCH', '/tenants/globex', { name: 'Globex Corp' });
      expect(r.status).toBe(200);
      const page = await adminClient(hub.url, fx.tokens.platform)('GET', '/audit?action=tenant.update&targetId=globex');
      expect(page.body.data[0]).toMatchObject({ actorType: 'token', actorTokenId: tok.body.id, actorId: fx.userIds.platform, before: { name: 'Globex' }, after: { name: 'Globex Corp' } });
    });

    it('keeps secrets out of audit rows, responses and logs', async () => {
      const api = adminClient(hub.url, fx.tokens.platform);
      const rotated = await api('POST', `/keys/${fx.acmeKeyId}/rotate`, { gracePeriodSeconds: 30 });
      expect(rotated.status).toBe(201);
      secrets.push(rotated.body.key);
      const newCred = `sk-${uniq('cred')}-${uniq('x')}`;
      secrets.push(newCred);
      expect((await api('PUT', '/providers/p1/credential', { apiKey: newCred })).status).toBe(200);
      const newPassword = `pw-${uniq('p')}-long`;
      secrets.push(newPassword);
      expect((await api('PATCH', `/users/${fx.userIds.viewer}`, { password: newPassword })).status).toBe(200);
      const stored = await hub.adminStore.getCredential('p1');
      secrets.push(stored!.ciphertext);

      const rows = await hub.adminStore.queryAudit({ limit: 10_000 });
      const actions = new Set(rows.map((r) => r.action));
      for (const a of ['tenant.create', 'app.create', 'key.create', 'key.rotate', 'provider.create', 'provider.update_credential', 'deployment.create', 'alias.create', 'budget.create', 'admin_user.create', 'admin_user.update', 'auth.login']) {
        expect(actions, a).toContain(a);
      }
      const dump = JSON.stringify(rows);
      const responses = [
        (await api('GET', '/audit?limit=200')).text, (await api('GET', '/keys?limit=200')).text, (await api('GET', '/providers')).text,
        (await api('GET', '/providers/p1/credential')).text, (await api('GET', '/users?limit=200')).text, JSON.stringify(rotated.body.limits ?? {}),
      ].join('\n');
      for (const secret of secrets) {
        expect(dump.includes(secret), 'audit leaks a secret').toBe(false);
        expect(responses.includes(secret), 'a response leaks a secret').toBe(false);
        expect(hub.logs().includes(secret), 'logs leak a secret').toBe(false);
      }
      expect(dump).not.toMatch(/scrypt\$|passwordHash|"hash"|ciphertext/);
      const credEvent = rows.find((r) => r.action === 'provider.update_credential');
      expect(JSON.stringify(credEvent?.after)).toContain(newCred.slice(-4));
      expect(JSON.stringify(credEvent?.after)).toContain('…');
    });

    it('filters by actor, action, tenant and time, and paginates newest first', async () => {
      const api = adminClient(hub.url, fx.tokens.platform);
      const all = (await api('GET', '/audit?limit=200')).body.data as { id: number; at: number; actorId: string }[];
      expect(all.length).toBeGreaterThan(10);
      expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
      const byActor = (await api('GET', `/audit?actorId=${fx.userIds.own}&limit=200`)).body.data as { actorId: string }[];
      expect(byActor.length).toBeGreaterThan(0);
      expect(byActor.every((e) => e.actorId === fx.userIds.own)).toBe(true);
      const byTenant = (await api('GET', '/audit?tenantId=globex&limit=200')).body.data as { tenantId: string }[];
      expect(byTenant.length).toBeGreaterThan(0);
      expect(byTenant.every((e) => e.tenantId === 'globex')).toBe(true);
      const oldest = all[all.length - 1]!.at;
      const none = await api('GET', `/audit?to=${oldest}`);
      expect(none.body.data).toEqual([]);
      const later = (await api('GET', `/audit?from=${all[0]!.at}&limit=200`)).body.data as { at: number }[];
      expect(later.every((e) => e.at >= all[0]!.at)).toBe(true);

      const seen: number[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 100; i++) {
        const page: { body: { data: { id: number }[]; nextCursor: string | null } } = await api('GET', `/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.data.map((e) => e.id));
        cursor = page.body.nextCursor;
        if (cursor === null) break;
      }
      const everything = (await api('GET', '/audit?limit=200')).body.data.map((e: { id: number }) => e.id);
      expect(seen).toEqual(everything);
    });

    it('the tenant admin of acme sees only acme events', async () => {
      const own = await login(hub.url, 'acme-admin', USER_PASSWORD);
      const data = (await adminClient(hub.url, own)('GET', '/audit?limit=200')).body.data as { tenantId?: string }[];
      expect(data.length).toBeGreaterThan(0);
      expect(data.every((e) => e.tenantId === 'acme')).toBe(true);
    });
  });
}
