/** MemoryResponseCache: TTL on an injected clock, LRU bounded by entries and bytes, copies out. */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/ports.js';
import { MemoryResponseCache, responseCacheKey, type CachedChat } from '../../src/gateway/cache/index.js';

function clock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => { now += ms; } };
}

const key = (i: number | string, tenantId = 'acme') => responseCacheKey({ tenantId }, { model: 'm', messages: [{ role: 'user', content: `q${i}` }], stream: false });

function entry(text: string): CachedChat {
  return {
    response: { id: 'r', model: 'm', created: 1, content: text, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' } },
    deploymentId: 'dep', sourceRequestId: 'req_1', storedAt: 1,
  };
}

describe('MemoryResponseCache', () => {
  it('serves an entry until its TTL passes', async () => {
    const c = clock();
    const cache = new MemoryResponseCache({ clock: c });
    await cache.set(key(1), entry('a'), 1_000);
    expect((await cache.get(key(1)))?.response.content).toBe('a');
    c.advance(999);
    expect(await cache.get(key(1))).toBeDefined();
    c.advance(1);
    expect(await cache.get(key(1))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps tenants apart: the same request under another tenant is a miss', async () => {
    const cache = new MemoryResponseCache({ clock: clock() });
    await cache.set(key(1, 'acme'), entry('acme answer'), 60_000);
    expect(await cache.get(key(1, 'globex'))).toBeUndefined();
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = new MemoryResponseCache({ clock: clock(), maxEntries: 3 });
    for (const i of [1, 2, 3]) await cache.set(key(i), entry(`v${i}`), 60_000);
    await cache.get(key(1)); // 1 is now the most recent; 2 is the oldest
    await cache.set(key(4), entry('v4'), 60_000);
    expect(cache.size).toBe(3);
    expect(await cache.get(key(2))).toBeUndefined();
    for (const i of [1, 3, 4]) expect(await cache.get(key(i))).toBeDefined();
  });

  it('bounds the total bytes and refuses entries above maxEntryBytes', async () => {
    const one = Buffer.byteLength(JSON.stringify(entry('x'.repeat(1000))));
    const cache = new MemoryResponseCache({ clock: clock(), maxBytes: one * 2 + 10, maxEntryBytes: one + 10 });
    for (const i of [1, 2, 3]) await cache.set(key(i), entry('x'.repeat(1000)), 60_000);
    expect(cache.size).toBe(2);
    expect(await cache.get(key(1))).toBeUndefined();
    await cache.set(key(9), entry('x'.repeat(5000)), 60_000);
    expect(await cache.get(key(9))).toBeUndefined();
  });

  it('hands out copies: changing a returned answer does not change the stored one', async () => {
    const cache = new MemoryResponseCache({ clock: clock() });
    await cache.set(key(1), entry('original'), 60_000);
    const got = await cache.get(key(1));
    if (got) got.response.content = 'changed';
    expect((await cache.get(key(1)))?.response.content).toBe('original');
  });

  it('replaces an entry on set and ignores a non-positive TTL', async () => {
    const cache = new MemoryResponseCache({ clock: clock() });
    await cache.set(key(1), entry('old'), 60_000);
    await cache.set(key(1), entry('new'), 60_000);
    expect(cache.size).toBe(1);
    expect((await cache.get(key(1)))?.response.content).toBe('new');
    await cache.set(key(2), entry('x'), 0);
    expect(await cache.get(key(2))).toBeUndefined();
  });
});
