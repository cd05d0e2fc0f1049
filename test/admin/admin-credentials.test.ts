/** Provider credentials: AES-256-GCM at rest, masked in responses, decryptable by the catalog loader — SQLite and PostgreSQL. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialVault, decryptSecret, deriveMasterKey, encryptSecret, maskSecret, storedSecretResolver } from '../../src/governance/admin/index.js';
import { testDatabases } from '../contract/databases.js';
import { adminClient, MASTER_KEY, startAdminTestHub, type AdminTestHub } from './admin-harness.js';
import { buildFixture, PROVIDER_SECRET, type Fixture } from './admin-fixture.js';

describe('admin-crypto', () => {
  it('round-trips, binds the ciphertext to its provider, and refuses the wrong key', () => {
    const key = deriveMasterKey(MASTER_KEY);
    const a = encryptSecret(key, 'sk-secret-value-123456', 'p1');
    const b = encryptSecret(key, 'sk-secret-value-123456', 'p1');
    expect(a.iv).not.toBe(b.iv);
    expect(Buffer.from(a.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(a.tag, 'base64')).toHaveLength(16);
    expect(decryptSecret([key], a, 'p1')).toBe('sk-secret-value-123456');
    expect(() => decryptSecret([key], a, 'p2')).toThrow(/failed authentication/);
    expect(() => decryptSecret([deriveMasterKey(`${MASTER_KEY}-other`)], a, 'p1')).toThrow(/not configured/);
    const tampered = { ...a, ciphertext: Buffer.from(Buffer.from(a.ciphertext, 'base64').map((x, i) => (i === 0 ? x ^ 1 : x))).toString('base64') };
    expect(() => decryptSecret([key], tampered, 'p1')).toThrow(/failed authentication/);
  });

  it('masks like sk-…abcd and never shows short secrets', () => {
    expect(maskSecret('sk-proj-abcdefghijklmnop1234')).toBe('sk-…1234');
    expect(maskSecret('abcdefghijklmnopqrstuvwx9876')).toBe('…9876');
    expect(maskSecret('short12')).toBe('…');
  });
});

const factories = await testDatabases();

for (const factory of factories) {
  describe.skipIf(!factory.available)(`stored credentials — ${factory.name}`, () => {
    let hub: AdminTestHub;
    let fx: Fixture;
    beforeAll(async () => {
      hub = await startAdminTestHub({ database: await factory.create() });
      fx = await buildFixture(hub);
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('stores ciphertext that does not contain the plaintext; responses show only the mask', async () => {
      const { rows } = await sql<Record<string, unknown>>`select * from admin_credentials`.execute(hub.store.db);
      const raw = JSON.stringify(rows);
      expect(rows.length).toBeGreaterThan(0);
      for (const form of [PROVIDER_SECRET, Buffer.from(PROVIDER_SECRET).toString('base64'), Buffer.from(PROVIDER_SECRET).toString('hex'), PROVIDER_SECRET.slice(3, 15)]) {
        expect(raw.includes(form)).toBe(false);
      }
      const got = await adminClient(hub.url, fx.tokens.platform)('GET', '/providers/p1');
      expect(got.body.credentialRef).toBe('stored');
      expect(got.body.credential.mask).toBe(`sk-…${PROVIDER_SECRET.slice(-4)}`);
      expect(got.text.includes(PROVIDER_SECRET)).toBe(false);
    });

    it('decryptCredential returns the plaintext for the catalog loader', async () => {
      expect(await hub.services.vault.decryptCredential('p1')).toBe(PROVIDER_SECRET);
      expect(await hub.services.vault.decryptCredential('no-such')).toBeUndefined();
      const resolve = storedSecretResolver(hub.services.vault);
      expect(await resolve({ id: 'p1', kind: 'openai', credentialRef: 'stored', headers: {}, options: {}, allowPrivateNetwork: false })).toBe(PROVIDER_SECRET);
      expect(await resolve({ id: 'p1', kind: 'openai', credentialRef: 'env:X', headers: {}, options: {}, allowPrivateNetwork: false })).toBeUndefined();
    });

    it('rotates the master key: old values still decrypt, reencryptAll moves them to the new key', async () => {
      const rotated = new CredentialVault(hub.adminStore, ['a-brand-new-master-key-0123456789abcdef', MASTER_KEY], Date.now);
      expect(await rotated.decryptCredential('p1')).toBe(PROVIDER_SECRET);
      expect(await rotated.reencryptAll()).toBeGreaterThan(0);
      const onlyNew = new CredentialVault(hub.adminStore, ['a-brand-new-master-key-0123456789abcdef'], Date.now);
      expect(await onlyNew.decryptCredential('p1')).toBe(PROVIDER_SECRET);
      await expect(hub.services.vault.decryptCredential('p1')).rejects.toThrow(/not configured/);
      await new CredentialVault(hub.adminStore, [MASTER_KEY, 'a-brand-new-master-key-0123456789abcdef'], Date.now).reencryptAll();
      expect(await hub.services.vault.decryptCredential('p1')).toBe(PROVIDER_SECRET);
    });

    it('switching a provider to env:NAME deletes the stored secret', async () => {
      const api = adminClient(hub.url, fx.tokens.platform);
      await api('POST', '/providers', { id: 'p-switch', kind: 'openai', apiKey: 'sk-switch-me-1234567890' });
      const r = await api('PATCH', '/providers/p-switch', { credentialRef: 'env:OPENAI_API_KEY' });
      expect(r.body).toMatchObject({ credentialRef: 'env:OPENAI_API_KEY', credential: null });
      expect(await hub.adminStore.getCredential('p-switch')).toBeUndefined();
      expect((await api('POST', '/providers', { id: 'p-both', kind: 'openai', apiKey: 'sk-1234567890abc', credentialRef: 'env:X' })).status).toBe(400);
    });
  });
}

describe('without a master key', () => {
  let hub: AdminTestHub;
  let fx: Fixture | undefined;
  beforeAll(async () => {
    hub = await startAdminTestHub({ masterKeys: [] });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('storing a credential fails with an error telling the operator to set ZHONGSHU_MASTER_KEY; nothing is stored', async () => {
    await expect(buildFixture(hub)).rejects.toThrow(/ZHONGSHU_MASTER_KEY/);
    const token = (await adminClient(hub.url)('POST', '/auth/login', { username: 'admin', password: 'admin-password-for-tests-1' })).body.token;
    const r = await adminClient(hub.url, token)('POST', '/providers', { id: 'p-x', kind: 'openai', apiKey: 'sk-would-be-stored-12345' });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('ZHONGSHU_MASTER_KEY');
    expect(r.text.includes('sk-would-be-stored-12345')).toBe(false);
    expect((await hub.store.listProviders()).some((p) => p.id === 'p-x')).toBe(false);
    expect(await hub.adminStore.listCredentials()).toEqual([]);
    expect(fx).toBeUndefined();
  });
});
