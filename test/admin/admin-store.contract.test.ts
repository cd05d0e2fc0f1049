/** The AdminStore port, run unchanged against SQLite and PostgreSQL. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent, BudgetRecord } from '../../src/core/domain.js';
import { createAdminStore, type SqlAdminStore } from '../../src/storage/sql/admin-store.js';
import { createStore, type SqlHubStore } from '../../src/storage/index.js';
import { testDatabases, type TestDatabase } from '../contract/databases.js';

const factories = await testDatabases();

function audit(n: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return { at: 1_000 + n, actorType: 'user', actorId: 'u1', actorName: 'admin', action: 'key.create', targetType: 'key', targetId: `k${n}`, ...extra };
}

for (const factory of factories) {
  describe.skipIf(!factory.available)(`AdminStore contract — ${factory.name}`, () => {
    let db: TestDatabase;
    let store: SqlHubStore;
    let admin: SqlAdminStore;

    beforeEach(async () => {
      db = await factory.create();
      store = await createStore(db.url);
      await store.migrate();
      admin = createAdminStore(store);
    });
    afterEach(async () => {
      await store?.close();
      await db?.cleanup();
    });

    it('applies 002-admin after 001-initial', async () => {
      expect(await store.appliedMigrations()).toEqual(expect.arrayContaining(['001-initial', '002-admin']));
    });

    it('disables and re-enables admin users without touching the HubStore view', async () => {
      await store.insertAdminUser({ id: 'u1', username: 'a', passwordHash: 'scrypt$x', role: 'viewer', createdAt: 1 });
      await admin.setAdminUserDisabled('u1', 5);
      expect((await admin.listAdminUsersWithState())[0]).toEqual({ id: 'u1', username: 'a', passwordHash: 'scrypt$x', role: 'viewer', createdAt: 1, disabledAt: 5 });
      await store.updateAdminUser({ id: 'u1', username: 'a', passwordHash: 'scrypt$y', role: 'viewer', createdAt: 1 });
      expect((await admin.listAdminUsersWithState())[0]?.disabledAt).toBe(5);
      await admin.setAdminUserDisabled('u1', undefined);
      expect((await admin.listAdminUsersWithState())[0]?.disabledAt).toBeUndefined();
    });

    it('stores tokens by hash, revokes them, revokes sessions only, prunes expired sessions', async () => {
      await admin.insertAdminToken({ id: 's1', kind: 'session', userId: 'u1', hash: 'h1', prefix: 'zsas_1', createdAt: 1, expiresAt: 10 });
      await admin.insertAdminToken({ id: 's2', kind: 'session', userId: 'u1', hash: 'h2', prefix: 'zsas_2', createdAt: 1, expiresAt: 1_000 });
      await admin.insertAdminToken({ id: 't1', kind: 'api_token', userId: 'u1', name: 'ci', hash: 'h3', prefix: 'zsat_3', createdAt: 1 });
      await expect(admin.insertAdminToken({ id: 't2', kind: 'api_token', userId: 'u1', hash: 'h3', prefix: 'x', createdAt: 1 })).rejects.toThrow();
      expect(await admin.findAdminTokenByHash('h3')).toEqual({ id: 't1', kind: 'api_token', userId: 'u1', name: 'ci', hash: 'h3', prefix: 'zsat_3', createdAt: 1 });
      await admin.revokeAdminSessions('u1', 50);
      expect((await admin.listAdminTokens('u1')).map((t) => [t.id, t.revokedAt])).toEqual([['s1', 50], ['s2', 50], ['t1', undefined]]);
      await admin.revokeAdminToken('t1', 60);
      await admin.revokeAdminToken('t1', 70);
      expect((await admin.findAdminTokenByHash('h3'))?.revokedAt).toBe(60);
      expect(await admin.pruneAdminSessions(100)).toBe(1);
      expect((await admin.listAdminTokens()).map((t) => t.id)).toEqual(['s2', 't1']);
    });

    it('appends audit events with JSON snapshots and queries them newest first with filters', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push(await admin.insertAudit(audit(i, { tenantId: i % 2 === 0 ? 'acme' : 'globex', before: i === 0 ? undefined : { n: i - 1 }, after: { n: i, nested: ['中文'] } })));
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      const all = await admin.queryAudit({ limit: 10 });
      expect(all.map((e) => e.targetId)).toEqual(['k4', 'k3', 'k2', 'k1', 'k0']);
      expect(all[4]).toMatchObject({ after: { n: 0, nested: ['中文'] } });
      expect(all[4]).not.toHaveProperty('before');
      expect((await admin.queryAudit({ limit: 10, tenantId: 'acme' })).map((e) => e.targetId)).toEqual(['k4', 'k2', 'k0']);
      expect((await admin.queryAudit({ limit: 10, from: 1_001, to: 1_003 })).map((e) => e.targetId)).toEqual(['k2', 'k1']);
      expect((await admin.queryAudit({ limit: 2, beforeId: ids[3] })).map((e) => e.targetId)).toEqual(['k2', 'k1']);
      expect(await admin.queryAudit({ limit: 10, action: 'key.revoke' })).toEqual([]);
    });

    it('upserts credentials, budgets and rate limits; deletes tenants and apps', async () => {
      const cred = { providerId: 'p1', keyId: 'k', iv: 'aXY=', tag: 'dGFn', ciphertext: 'Y3Q=', mask: 'sk-…abcd', updatedAt: 1 };
      await admin.putCredential(cred);
      await admin.putCredential({ ...cred, mask: 'sk-…wxyz', updatedAt: 2 });
      expect(await admin.listCredentials()).toEqual([{ ...cred, mask: 'sk-…wxyz', updatedAt: 2 }]);
      await admin.deleteCredential('p1');
      expect(await admin.getCredential('p1')).toBeUndefined();

      const budget: BudgetRecord = { id: 'b1', scope: 'tenant:acme', tenantId: 'acme', period: 'month', limitMicros: 9_007_199_254_740_991, currency: 'CNY', mode: 'hard', alertThresholds: [50], timeZone: 'Asia/Shanghai', createdAt: 1, updatedAt: 1 };
      await admin.upsertBudget(budget);
      await admin.upsertBudget({ ...budget, mode: 'degrade', updatedAt: 2, createdAt: 99 });
      expect(await admin.listBudgets()).toEqual([{ ...budget, mode: 'degrade', updatedAt: 2 }]);
      await admin.deleteBudget('b1');
      expect(await admin.listBudgets()).toEqual([]);

      await admin.upsertRateLimit({ scope: 'app:a', tenantId: 'acme', rpm: 10, updatedAt: 1 });
      await admin.upsertRateLimit({ scope: 'deployment:d', tpm: 5, updatedAt: 1 });
      await admin.upsertRateLimit({ scope: 'app:a', tenantId: 'acme', tpm: 7, updatedAt: 2 });
      expect(await admin.listRateLimits()).toEqual([{ scope: 'app:a', tenantId: 'acme', tpm: 7, updatedAt: 2 }, { scope: 'deployment:d', tpm: 5, updatedAt: 1 }]);
      await admin.deleteRateLimit('app:a');
      expect((await admin.listRateLimits()).map((r) => r.scope)).toEqual(['deployment:d']);

      await store.upsertTenant({ id: 't', name: 'T', status: 'active', createdAt: 1 });
      await store.upsertApp({ id: 'a', tenantId: 't', name: 'A', defaults: {}, createdAt: 1 });
      await admin.deleteApp('a');
      await admin.deleteTenant('t');
      expect(await store.listApps()).toEqual([]);
      expect(await store.listTenants()).toEqual([]);
    });
  });
}
