/** apply is idempotent and export → apply is a no-op, on SQLite and PostgreSQL. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseHubFile } from '../../src/config/hub-file.js';
import { applyHubFile } from '../../src/governance/apply.js';
import { exportHubFile } from '../../src/governance/export.js';
import { generateVirtualKey, hashVirtualKey } from '../../src/governance/keys.js';
import { createStore, type SqlHubStore } from '../../src/storage/index.js';
import { testDatabases, withFreshStore, type TestDatabase } from '../contract/databases.js';

const factories = await testDatabases();
const example = parseHubFile(readFileSync('examples/hub.yaml', 'utf8'));
const supportKey = generateVirtualKey();
const env = { ACME_SUPPORT_KEY: supportKey };

for (const factory of factories) {
  describe.skipIf(!factory.available)(`apply / export — ${factory.name}`, () => {
    let db!: TestDatabase;
    let store!: SqlHubStore;
    withFreshStore(factory, (d, s) => {
      db = d;
      store = s;
    });

    it('applies the example, then reports no changes on a second apply', async () => {
      const first = await applyHubFile(store, example, { env });
      const total = example.providers.length + example.deployments.length + example.aliases.length + example.tenants.length + example.apps.length + example.keys.length;
      expect(first.changes).toHaveLength(total);
      expect(first.changes.every((c) => c.action === 'create')).toBe(true);
      const second = await applyHubFile(store, example, { env });
      expect(second.changes).toEqual([]);
      expect(second.unchanged).toBe(total);
      // Without the variable, an existing key keeps its stored hash.
      expect((await applyHubFile(store, example, { env: {} })).changes).toEqual([]);
      expect((await store.findApiKeyByHash(hashVirtualKey(supportKey)))?.id).toBe('acme-support-prod');
      expect((await store.listDeployments()).find((d) => d.id === 'gpt-4o@openai-main')?.price?.inputPerMTok).toBe(2_500_000);
    });

    it('reports an edit as one update, and dry-run writes nothing', async () => {
      await applyHubFile(store, example, { env });
      const edited = parseHubFile(readFileSync('examples/hub.yaml', 'utf8').replace('input: 0.15, output: 0.6', 'input: 0.2, output: 0.6'));
      const dry = await applyHubFile(store, edited, { env, dryRun: true });
      expect(dry.changes).toEqual([{ kind: 'deployment', id: 'gpt-4o-mini@openai-main', action: 'update' }]);
      expect((await store.listDeployments()).find((d) => d.id === 'gpt-4o-mini@openai-main')?.price?.inputPerMTok).toBe(150_000);
      await applyHubFile(store, edited, { env });
      expect((await store.listDeployments()).find((d) => d.id === 'gpt-4o-mini@openai-main')?.price?.inputPerMTok).toBe(200_000);
    });

    it('refuses a key whose variable is missing or malformed, writing nothing', async () => {
      await expect(applyHubFile(store, example, { env: {} })).rejects.toThrow(ConfigError);
      await expect(applyHubFile(store, example, { env: { ACME_SUPPORT_KEY: 'not-a-key' } })).rejects.toThrow(/keys\[0\]\.secret.*ACME_SUPPORT_KEY does not hold a virtual key/s);
      expect(await store.listTenants()).toEqual([]);
    });

    it('exports an equivalent file without secrets; applying it changes nothing', async () => {
      await applyHubFile(store, example, { env });
      const revoked = (await store.listApiKeys()).find((k) => k.id === 'acme-support-prod');
      if (revoked === undefined) throw new Error('key missing');
      await store.updateApiKey({ ...revoked, revokedAt: 1_800_000_000_000 });
      const text = await exportHubFile(store);
      expect(text).not.toContain(supportKey);
      expect(text).toContain('env:OPENAI_API_KEY');
      expect(text).toContain(`sha256:${hashVirtualKey(supportKey)}`);
      const result = await applyHubFile(store, parseHubFile(text), { env: {} });
      expect(result.changes).toEqual([]);
      expect(await exportHubFile(store)).toBe(text);
      // A fresh database given the export reaches the same state.
      const other = await factory.create();
      const otherStore = await createStore(other.url);
      try {
        await otherStore.migrate();
        await applyHubFile(otherStore, parseHubFile(text), { env: {} });
        expect(await otherStore.listDeployments()).toEqual(await store.listDeployments());
        expect(await otherStore.listAliases()).toEqual(await store.listAliases());
        expect((await otherStore.listApiKeys()).map(({ createdAt: _c, ...k }) => k)).toEqual((await store.listApiKeys()).map(({ createdAt: _c, ...k }) => k));
      } finally {
        await otherStore.close();
        await other.cleanup();
      }
    });

    it('keeps a database-stored provider credential that a file cannot express', async () => {
      await applyHubFile(store, example, { env });
      const p = (await store.listProviders()).find((x) => x.id === 'deepseek');
      if (p === undefined) throw new Error('provider missing');
      await store.upsertProvider({ ...p, credentialRef: 'stored' });
      const text = await exportHubFile(store);
      expect((await applyHubFile(store, parseHubFile(text), { env: {} })).changes).toEqual([]);
      expect((await store.listProviders()).find((x) => x.id === 'deepseek')?.credentialRef).toBe('stored');
    });

    it('keeps a revocation when the file does not mention it', async () => {
      await applyHubFile(store, example, { env });
      const key = (await store.listApiKeys()).find((k) => k.id === 'acme-support-prod');
      if (key === undefined) throw new Error('key missing');
      await store.updateApiKey({ ...key, revokedAt: 42 });
      const again = await applyHubFile(store, example, { env });
      expect(again.changes).toEqual([]);
      expect((await store.listApiKeys()).find((k) => k.id === 'acme-support-prod')?.revokedAt).toBe(42);
    });
  });
}
