/** The response-cache key: tenant-scoped, canonical, blind to `user` and stream flags. */
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/chat.js';
import { cacheDecision, canonicalJson, responseCacheKey } from '../../src/gateway/cache/index.js';

const base: ChatRequest = { model: 'pool', messages: [{ role: 'user', content: 'hi' }], stream: false, temperature: 0 };

describe('responseCacheKey', () => {
  it('differs between tenants for the same request, and carries the tenant in its prefix', () => {
    const a = responseCacheKey({ tenantId: 'acme' }, base);
    const b = responseCacheKey({ tenantId: 'globex' }, base);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^zs:rc:v1:acme:[0-9a-f]{64}$/);
  });

  it('cannot be built without a tenant id', () => {
    expect(() => responseCacheKey({ tenantId: '' }, base)).toThrow(/tenant/);
    // @ts-expect-error a scope is required
    expect(() => responseCacheKey(undefined, base)).toThrow();
  });

  it('ignores user, stream and includeUsage, and the order of fields', () => {
    const reordered = { temperature: 0, stream: true, includeUsage: true, user: 'u-1', messages: [{ content: 'hi', role: 'user' }], model: 'pool' } as ChatRequest;
    expect(responseCacheKey({ tenantId: 't' }, reordered)).toBe(responseCacheKey({ tenantId: 't' }, base));
  });

  it('changes with the model, any sampling parameter, the messages and the routing hints', () => {
    const k = responseCacheKey({ tenantId: 't' }, base);
    expect(responseCacheKey({ tenantId: 't' }, { ...base, model: 'other' })).not.toBe(k);
    expect(responseCacheKey({ tenantId: 't' }, { ...base, temperature: 0.5 })).not.toBe(k);
    expect(responseCacheKey({ tenantId: 't' }, { ...base, messages: [{ role: 'user', content: 'hi!' }] })).not.toBe(k);
    expect(responseCacheKey({ tenantId: 't' }, base, { bizLevel: 'premium' })).not.toBe(k);
    expect(responseCacheKey({ tenantId: 't' }, base, { endUser: 'someone' })).toBe(k);
  });

  it('canonical JSON sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, { z: 1, y: 2 }] } })).toBe('{"a":{"c":[2,{"y":2,"z":1}]},"b":1}');
  });
});

describe('cacheDecision', () => {
  const on = { cache: { ttlSeconds: 30 } };
  it('is off without app settings', () => {
    expect(cacheDecision({}, false, undefined)).toEqual({ mode: 'off' });
  });
  it('uses the cache for a non-stream request, bypasses streams and Cache-Control', () => {
    expect(cacheDecision(on, false, undefined)).toEqual({ mode: 'use', ttlMs: 30_000 });
    expect(cacheDecision(on, true, undefined)).toEqual({ mode: 'bypass', store: false, ttlMs: 30_000 });
    expect(cacheDecision(on, false, 'No-Cache')).toEqual({ mode: 'bypass', store: true, ttlMs: 30_000 });
    expect(cacheDecision(on, false, 'max-age=0, no-store')).toEqual({ mode: 'bypass', store: false, ttlMs: 30_000 });
    expect(cacheDecision(on, false, 'max-age=60')).toEqual({ mode: 'use', ttlMs: 30_000 });
  });
});
