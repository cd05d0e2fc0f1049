/** The HubStore contract, run unchanged against SQLite and PostgreSQL. */
import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../../src/core/domain.js';
import { createStore, type SqlHubStore } from '../../src/storage/index.js';
import { testDatabases, withFreshStore, type TestDatabase } from './databases.js';
import { sampleDeployment, sampleProvider, sampleUsage } from './store-fixtures.js';

const factories = await testDatabases();

for (const factory of factories) {
  describe.skipIf(!factory.available)(`HubStore contract — ${factory.name}`, () => {
    let db!: TestDatabase;
    let store!: SqlHubStore;
    withFreshStore(factory, (d, s) => {
      db = d;
      store = s;
    });

    it('migrates idempotently and records applied versions', async () => {
      await store.migrate();
      expect(await store.appliedMigrations()).toContain('001-initial');
      const again = await createStore(db.url);
      await again.migrate();
      expect(await again.appliedMigrations()).toEqual(await store.appliedMigrations());
      await again.close();
    });

    it('round-trips providers, with and without optional fields', async () => {
      const full = sampleProvider('p-full', {
        kind: 'azure-openai',
        baseUrl: 'https://x.openai.azure.com',
        credentialRef: 'env:AZURE_KEY',
        headers: { 'x-extra': '1' },
        options: { apiVersion: '2024-10-21', retries: 2, beta: true },
        allowPrivateNetwork: true,
      });
      const bare = sampleProvider('p-bare');
      await store.upsertProvider(full);
      await store.upsertProvider(bare);
      expect(await store.listProviders()).toEqual([bare, full]);
      await store.upsertProvider({ ...bare, kind: 'deepseek' });
      expect((await store.listProviders()).find((p) => p.id === 'p-bare')?.kind).toBe('deepseek');
      await store.deleteProvider('p-full');
      expect((await store.listProviders()).map((p) => p.id)).toEqual(['p-bare']);
    });

    it('round-trips deployments with prices, limits and options; unpriced stays unpriced', async () => {
      const priced = sampleDeployment('d-priced', 'p', {
        price: { currency: 'CNY', inputPerMTok: 2_000_000, outputPerMTok: 8_000_000, cachedInputPerMTok: 500_000 },
        limits: { rpm: 60, tpm: 100_000, concurrency: 4 },
        maxOutputTokens: 8192,
        quality: 0.85,
        weight: 2.5,
        options: { latencyMs: 50 },
        status: 'draining',
      });
      const unpriced = sampleDeployment('d-unpriced', 'p');
      await store.upsertDeployment(priced);
      await store.upsertDeployment(unpriced);
      const list = await store.listDeployments();
      expect(list).toEqual([priced, unpriced]);
      expect(list[1]?.price).toBeUndefined();
      await store.upsertDeployment({ ...priced, tier: 'premium' });
      expect((await store.listDeployments())[0]?.tier).toBe('premium');
    });

    it('keeps alias member order, weights and canary flags; upsert replaces members', async () => {
      await store.upsertAlias({
        name: 'chat',
        description: 'main chat',
        members: [
          { deploymentId: 'b', weight: 90 },
          { deploymentId: 'a', weight: 10, canary: true },
        ],
      });
      await store.upsertAlias({ name: 'empty', members: [] });
      expect(await store.listAliases()).toEqual([
        { name: 'chat', description: 'main chat', members: [{ deploymentId: 'b', weight: 90 }, { deploymentId: 'a', weight: 10, canary: true }] },
        { name: 'empty', members: [] },
      ]);
      await store.upsertAlias({ name: 'chat', members: [{ deploymentId: 'c', weight: 1 }] });
      expect((await store.listAliases())[0]).toEqual({ name: 'chat', members: [{ deploymentId: 'c', weight: 1 }] });
      await store.upsertDeployment(sampleDeployment('c', 'p'));
      await store.deleteDeployment('c');
      expect((await store.listAliases())[0]?.members).toEqual([]);
      await store.deleteAlias('chat');
      expect((await store.listAliases()).map((a) => a.name)).toEqual(['empty']);
    });

    it('upserts tenants and apps', async () => {
      await store.upsertTenant({ id: 't1', name: 'One', status: 'active', createdAt: 1 });
      await store.upsertTenant({ id: 't1', name: 'One renamed', status: 'suspended', createdAt: 1 });
      expect(await store.listTenants()).toEqual([{ id: 't1', name: 'One renamed', status: 'suspended', createdAt: 1 }]);
      const app = { id: 'a1', tenantId: 't1', name: 'App', defaults: { bizLevel: 'premium' as const, allowedModels: ['chat'] }, createdAt: 2 };
      await store.upsertApp(app);
      await store.upsertApp({ ...app, id: 'a0', defaults: {} });
      expect(await store.listApps()).toEqual([{ ...app, id: 'a0', defaults: {} }, app]);
    });

    it('stores keys by hash, rejects duplicate id or hash, and updates revocation', async () => {
      const key: ApiKeyRecord = { id: 'k1', tenantId: 't', appId: 'a', name: 'ci', prefix: 'zs-abcd1234', hash: 'h'.repeat(64), createdAt: 5 };
      await store.insertApiKey(key);
      await expect(store.insertApiKey({ ...key, id: 'k2' })).rejects.toThrow();
      await expect(store.insertApiKey({ ...key, hash: 'g'.repeat(64) })).rejects.toThrow();
      expect(await store.findApiKeyByHash('h'.repeat(64))).toEqual(key);
      expect(await store.findApiKeyByHash("' or 1=1 --")).toBeUndefined();
      const revoked = { ...key, revokedAt: 10, allowedModels: ['chat'], expiresAt: 99 };
      await store.updateApiKey(revoked);
      expect(await store.listApiKeys()).toEqual([revoked]);
    });

    it('appends usage rows, filters and orders them, and keeps big money exact', async () => {
      const big = 9_007_199_254_740_991; // 2^53 - 1 micro-units
      await store.insertUsage([
        sampleUsage('r2', { startedAt: 2000, tenantId: 't2', costMicros: big, endUser: 'u', ttftMs: 12, bizLevel: 'premium', stream: true }),
        sampleUsage('r1', { startedAt: 1000 }),
        sampleUsage('r1', { startedAt: 1000, attempt: 2, status: 'upstream_error', errorCode: 'upstream_error', unpriced: true, costMicros: 0 }),
      ]);
      const all = await store.queryUsage({});
      expect(all.map((e) => `${e.requestId}#${e.attempt}`)).toEqual(['r1#1', 'r1#2', 'r2#1']);
      expect(all[2]).toEqual(sampleUsage('r2', { startedAt: 2000, tenantId: 't2', costMicros: big, endUser: 'u', ttftMs: 12, bizLevel: 'premium', stream: true }));
      expect(all[1]?.unpriced).toBe(true);
      expect(await store.queryUsage({ tenantId: 't2' })).toHaveLength(1);
      expect(await store.queryUsage({ from: 1500 })).toHaveLength(1);
      expect(await store.queryUsage({ to: 1500 })).toHaveLength(2);
      expect(await store.queryUsage({ requestId: 'r1', limit: 1 })).toHaveLength(1);
      expect(await store.queryUsage({ keyId: 'nobody' })).toEqual([]);
    });

    it('skips a row whose (requestId, attempt) is already stored and writes large batches', async () => {
      await store.insertUsage([sampleUsage('dup')]);
      await store.insertUsage([sampleUsage('dup', { costMicros: 999 }), sampleUsage('new')]);
      const rows = await store.queryUsage({});
      expect(rows.map((r) => r.requestId)).toEqual(['dup', 'new']);
      expect(rows[0]?.costMicros).toBe(1234);
      const many = Array.from({ length: 1234 }, (_, i) => sampleUsage(`bulk-${i}`, { startedAt: 5000 + i }));
      await store.insertUsage(many);
      expect(await store.queryUsage({ from: 5000, to: 5000 + 1234 })).toHaveLength(1234);
    });

    it('reads and overwrites meta values', async () => {
      expect(await store.getMeta('x')).toBeUndefined();
      await store.setMeta('x', '1');
      await store.setMeta('x', '2');
      expect(await store.getMeta('x')).toBe('2');
    });

    it('stores admin users with unique usernames', async () => {
      const admin = { id: 'u1', username: 'admin', passwordHash: 'scrypt$x', role: 'platform_admin' as const, createdAt: 1 };
      await store.insertAdminUser(admin);
      await expect(store.insertAdminUser({ ...admin, id: 'u2' })).rejects.toThrow();
      await store.insertAdminUser({ id: 'u3', username: 'ops', passwordHash: 'h', role: 'tenant_admin', tenantId: 't1', createdAt: 2 });
      expect(await store.findAdminUserByUsername('admin')).toEqual(admin);
      await store.updateAdminUser({ ...admin, role: 'viewer' });
      expect((await store.listAdminUsers()).map((u) => `${u.username}:${u.role}`)).toEqual(['admin:viewer', 'ops:tenant_admin']);
    });
  });
}
