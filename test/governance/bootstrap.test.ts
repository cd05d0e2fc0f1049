/** Bootstrap creates the embedded default once, honours env-provided secrets, never undoes edits. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/ports.js';
import { loadEnv } from '../../src/config/env.js';
import { verifyAdminPassword } from '../../src/governance/admin-password.js';
import { bootstrapHub } from '../../src/governance/bootstrap.js';
import { createCatalogHolder } from '../../src/governance/catalog-loader.js';
import { generateVirtualKey, hashVirtualKey, isWellFormedVirtualKey } from '../../src/governance/keys.js';
import { createStore, type SqlHubStore } from '../../src/storage/index.js';
import { createSqliteTestDatabase, type TestDatabase } from '../contract/databases.js';

function recordingLogger(lines: string[]): Logger {
  const log = (obj: object, msg?: string) => void lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

describe('bootstrap', () => {
  let db: TestDatabase;
  let store: SqlHubStore;

  beforeEach(async () => {
    db = await createSqliteTestDatabase();
    store = await createStore(db.url);
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    await db.cleanup();
  });

  it('creates tenant, app, demo key, admin and the simulator on first start — and never again', async () => {
    const first = await bootstrapHub(store, loadEnv({}));
    expect(first.firstStart).toBe(true);
    expect(isWellFormedVirtualKey(first.demoKey ?? '')).toBe(true);
    expect(first.adminUsername).toBe('admin');
    const demo = await store.findApiKeyByHash(hashVirtualKey(first.demoKey ?? ''));
    expect(demo).toMatchObject({ id: 'demo', tenantId: 'default', appId: 'default', prefix: first.demoKeyPrefix });
    const admin = await store.findAdminUserByUsername('admin');
    expect(admin?.role).toBe('platform_admin');
    expect(admin?.passwordHash).not.toContain(first.adminPassword ?? '');
    expect(await verifyAdminPassword(first.adminPassword ?? '', admin?.passwordHash ?? '')).toBe(true);
    expect(await verifyAdminPassword('wrong', admin?.passwordHash ?? '')).toBe(false);
    expect((await store.listDeployments()).map((d) => d.id)).toEqual(['sim-economy', 'sim-embedding', 'sim-premium', 'sim-standard']);
    expect((await store.listAliases()).map((a) => a.name)).toEqual(['chat-economy', 'chat-premium', 'chat-standard', 'embedding-demo']);
    expect((await store.listDeployments()).every((d) => d.price !== undefined)).toBe(true);

    const second = await bootstrapHub(store, loadEnv({}));
    expect(second).toEqual({ firstStart: false, seeded: [] });
    expect(await store.listApiKeys()).toHaveLength(1);
    expect(await store.listAdminUsers()).toHaveLength(1);
  });

  it('honours ZHONGSHU_DEMO_KEY and ZHONGSHU_ADMIN_PASSWORD without echoing them back', async () => {
    const demoKey = generateVirtualKey();
    const result = await bootstrapHub(store, loadEnv({ ZHONGSHU_DEMO_KEY: demoKey, ZHONGSHU_ADMIN_PASSWORD: 'correct horse battery' }));
    expect(result.demoKey).toBeUndefined();
    expect(result.adminPassword).toBeUndefined();
    expect(JSON.stringify(result)).not.toContain(demoKey);
    expect((await store.findApiKeyByHash(hashVirtualKey(demoKey)))?.id).toBe('demo');
    const admin = await store.findAdminUserByUsername('admin');
    expect(await verifyAdminPassword('correct horse battery', admin?.passwordHash ?? '')).toBe(true);
  });

  it('seeds env providers once, never overwriting edits or undoing deletions', async () => {
    const env = loadEnv({ OPENAI_API_KEY: 'sk-test', ZHONGSHU_SIMULATOR: 'false' });
    const first = await bootstrapHub(store, env);
    expect(first.seeded).toContain('deployment:gpt-4o@openai');
    expect((await store.listProviders()).map((p) => `${p.id}:${p.credentialRef ?? ''}`)).toEqual(['openai:env:OPENAI_API_KEY']);
    expect((await store.listAliases()).map((a) => a.name)).toEqual(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);
    const gpt4o = (await store.listDeployments()).find((d) => d.id === 'gpt-4o@openai');
    if (gpt4o === undefined) throw new Error('missing');
    await store.upsertDeployment({ ...gpt4o, weight: 7 });
    await store.deleteDeployment('gpt-4o-mini@openai');
    await bootstrapHub(store, env);
    const after = await store.listDeployments();
    expect(after.find((d) => d.id === 'gpt-4o@openai')?.weight).toBe(7);
    expect(after.some((d) => d.id === 'gpt-4o-mini@openai')).toBe(false);
  });

  it('does not attach presets to a provider the operator already defined with that id', async () => {
    await store.upsertProvider({ id: 'openai', kind: 'openai-compatible', baseUrl: 'http://10.0.0.1/v1', headers: {}, options: {}, allowPrivateNetwork: true });
    await bootstrapHub(store, loadEnv({ OPENAI_API_KEY: 'sk-test', ZHONGSHU_SIMULATOR: 'false' }));
    expect(await store.listDeployments()).toEqual([]);
    expect((await store.listProviders())[0]?.kind).toBe('openai-compatible');
  });

  it('feeds a catalog that resolves env secrets and warns (without crashing) when one is missing', async () => {
    await bootstrapHub(store, loadEnv({ OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant' }));
    const lines: string[] = [];
    const holder = await createCatalogHolder(store, { OPENAI_API_KEY: 'sk-live-123' }, { logger: recordingLogger(lines) });
    const catalog = holder.current();
    expect(catalog.secrets.get('openai')).toBe('sk-live-123');
    expect(catalog.secrets.has('anthropic')).toBe(false);
    expect(catalog.secrets.has('simulator')).toBe(false);
    expect(lines.join('\n')).toMatch(/provider anthropic has no usable credential: environment variable ANTHROPIC_API_KEY is not set/);
    expect(lines.join('\n')).not.toContain('sk-live-123');
    expect(catalog.aliases.get('chat-premium')?.members[0]?.deploymentId).toBe('sim-premium');
    expect([...catalog.keysByHash.values()].map((k) => k.id)).toEqual(['demo']);
    expect(Object.isFrozen(catalog.deployments.get('sim-premium'))).toBe(true);

    await store.upsertProvider({ id: 'vaulted', kind: 'openai', credentialRef: 'stored', headers: {}, options: {}, allowPrivateNetwork: false });
    await store.upsertTenant({ id: 'new', name: 'New', status: 'active', createdAt: 1 });
    expect(holder.current().tenants.has('new')).toBe(false);
    await holder.reload();
    expect(holder.current().tenants.has('new')).toBe(true);
    expect(holder.current().version).toBeGreaterThan(catalog.version);
    expect(holder.current().secrets.has('vaulted')).toBe(false);
    const vaulted = await createCatalogHolder(store, {}, { resolveStoredSecret: async (p) => (p.id === 'vaulted' ? 'sk-from-vault' : undefined) });
    expect(vaulted.current().secrets.get('vaulted')).toBe('sk-from-vault');
  });
});
