/**
 * Virtual-key authentication with the hash memo: the memo saves the hash of keys that
 * authenticated, and never the decision — revocation, expiry and tenant status are read from
 * the current catalog on every request.
 */
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/core/catalog.js';
import type { ApiKeyRecord, App, Tenant } from '../../src/core/domain.js';
import { authenticate, extractVirtualKey, MAX_REMEMBERED_KEYS, type VirtualKeyCodec } from '../../src/gateway/tenancy/authenticate.js';
import { generateVirtualKey, hashVirtualKey, isWellFormedVirtualKey } from '../../src/governance/keys.js';

/** The real codec, counting hashes. */
function countingCodec(): VirtualKeyCodec & { hashes: number } {
  const codec = {
    hashes: 0,
    isWellFormed: isWellFormedVirtualKey,
    hash(key: string) {
      codec.hashes += 1;
      return hashVirtualKey(key);
    },
  };
  return codec;
}

function catalogWith(keys: Array<{ key: string; record?: Partial<ApiKeyRecord> }>, tenant: Partial<Tenant> = {}): Catalog {
  const t: Tenant = { id: 't1', name: 'T', status: 'active', createdAt: 0, ...tenant };
  const app: App = { id: 'a1', tenantId: 't1', name: 'A', defaults: { allowedModels: ['m1'] }, createdAt: 0 };
  const records = keys.map(({ key, record }, i): ApiKeyRecord => ({
    id: `k${i}`, tenantId: 't1', appId: 'a1', name: 'k', prefix: key.slice(0, 11), hash: hashVirtualKey(key), createdAt: 0, ...record,
  }));
  return {
    version: 1, providers: new Map(), deployments: new Map(), aliases: new Map(), tenants: new Map([[t.id, t]]), apps: new Map([[app.id, app]]),
    keysByHash: new Map(records.map((r) => [r.hash, r])), secrets: new Map(), rateLimits: new Map(), budgets: [],
  };
}

describe('authenticate', () => {
  it('hashes a key once while it keeps authenticating, with the same principal each time', () => {
    const key = generateVirtualKey();
    const codec = countingCodec();
    const catalog = catalogWith([{ key }]);
    const first = authenticate(catalog, key, codec, 1_000);
    for (let i = 0; i < 5; i++) expect(authenticate(catalog, key, codec, 1_000)).toEqual(first);
    expect(codec.hashes).toBe(1);
    expect(first).toEqual({ tenantId: 't1', appId: 'a1', keyId: 'k0', keyPrefix: key.slice(0, 11), defaults: { allowedModels: ['m1'] }, allowedModels: ['m1'] });
  });

  it('refuses a remembered key once it is revoked, expired or its tenant suspended, and forgets it', () => {
    const key = generateVirtualKey();
    const codec = countingCodec();
    authenticate(catalogWith([{ key }]), key, codec, 1_000);
    expect(() => authenticate(catalogWith([{ key, record: { revokedAt: 500 } }]), key, codec, 1_000)).toThrow(/unknown or revoked/);
    expect(() => authenticate(catalogWith([]), key, codec, 1_000)).toThrow(/unknown or revoked/);
    const hashes = codec.hashes;
    // Forgotten after a refusal: the next attempt hashes again.
    expect(() => authenticate(catalogWith([{ key, record: { expiresAt: 1_000 } }]), key, codec, 1_000)).toThrow(/expired/);
    expect(codec.hashes).toBe(hashes + 1);
    authenticate(catalogWith([{ key }]), key, codec, 1_000);
    expect(() => authenticate(catalogWith([{ key, record: { expiresAt: 2_000 } }]), key, codec, 2_000)).toThrow(/expired/);
    authenticate(catalogWith([{ key }]), key, codec, 1_000);
    expect(() => authenticate(catalogWith([{ key }], { status: 'suspended' }), key, codec, 1_000)).toThrow(/suspended/);
  });

  it('never remembers unknown or malformed keys', () => {
    const codec = countingCodec();
    const catalog = catalogWith([]);
    const guess = generateVirtualKey();
    for (let i = 0; i < 3; i++) expect(() => authenticate(catalog, guess, codec, 0)).toThrow(/unknown or revoked/);
    expect(codec.hashes).toBe(3);
    expect(() => authenticate(catalog, 'zs-short', codec, 0)).toThrow(/not a Zhongshu key/);
    expect(() => authenticate(catalog, undefined, codec, 0)).toThrow(/Missing virtual key/);
    expect(codec.hashes).toBe(3);
  });

  it('keeps at most MAX_REMEMBERED_KEYS keys, forgetting the oldest first', () => {
    const codec = countingCodec();
    const keys = Array.from({ length: MAX_REMEMBERED_KEYS + 1 }, () => generateVirtualKey());
    const catalog = catalogWith(keys.map((key) => ({ key })));
    for (const key of keys) authenticate(catalog, key, codec, 0);
    expect(codec.hashes).toBe(keys.length);
    authenticate(catalog, keys[keys.length - 1] as string, codec, 0); // newest: remembered
    expect(codec.hashes).toBe(keys.length);
    authenticate(catalog, keys[0] as string, codec, 0); // oldest: forgotten, hashed again
    expect(codec.hashes).toBe(keys.length + 1);
  });

  it('extracts the key from Authorization: Bearer or x-api-key', () => {
    expect(extractVirtualKey({ authorization: 'Bearer  zs-abc ' })).toBe('zs-abc');
    expect(extractVirtualKey({ authorization: 'bearer zs-abc' })).toBe('zs-abc');
    expect(extractVirtualKey({ 'x-api-key': ' zs-xyz', authorization: 'Bearer zs-abc' })).toBe('zs-xyz');
    expect(extractVirtualKey({ authorization: 'Basic abc' })).toBeUndefined();
    expect(extractVirtualKey({})).toBeUndefined();
  });
});
