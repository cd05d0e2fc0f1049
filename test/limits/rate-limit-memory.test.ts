import { describe, expect, it } from 'vitest';
import { HubError } from '../../src/core/errors.js';
import { rateLimitedError, type RateLimiter, type RateLimitRule } from '../../src/gateway/limits/rate-limit.js';
import { formatResetDuration, rateLimitHeaders } from '../../src/gateway/limits/rate-limit-headers.js';
import { createMemoryRateLimiter, type MemoryRateLimiter } from '../../src/gateway/limits/rate-limit-memory.js';
import { manualClock } from './manual-clock.js';
import { describeRateLimiterContract } from './rate-limiter-contract.js';

describeRateLimiterContract('memory', (clock) => createMemoryRateLimiter({ clock }));

/** The limiter answered by its `sync` twin. */
function throughSync(limiter: MemoryRateLimiter): RateLimiter {
  const { sync } = limiter;
  return {
    check: async (request) => sync.check(request),
    consume: async (request) => sync.consume(request),
    adjustTokens: async (rules, delta) => sync.adjustTokens(rules, delta),
  };
}

describeRateLimiterContract('memory, sync twin', (clock) => throughSync(createMemoryRateLimiter({ clock })));

describe('memory rate limiter', () => {
  it('forgets idle buckets, so memory stays bounded by recently active scopes', async () => {
    const clock = manualClock();
    const limiter = createMemoryRateLimiter({ clock, sweepIntervalMs: 1_000 });
    for (let i = 0; i < 1_000; i += 1) {
      await limiter.consume({ rules: [{ scope: `key:k${i}`, rpm: 60, tpm: 60_000 }], tokens: 1_000 });
    }
    expect(limiter.size()).toBe(2_000);
    clock.advance(999); // one request (and 1 000 of 60 000 TPM) drains in 1 000 ms: still held
    expect(limiter.sweep()).toBe(0);
    clock.advance(1_000);
    // The next call after the sweep interval sweeps on its own.
    await limiter.consume({ rules: [{ scope: 'key:fresh', rpm: 60 }], tokens: 0 });
    expect(limiter.size()).toBe(1);
    // A forgotten bucket behaves exactly like a full one.
    expect(await limiter.check({ rules: [{ scope: 'key:k1', rpm: 60 }], tokens: 0 })).toMatchObject({ requests: { remaining: 59 } });
  });

  it('removes a bucket a refund empties', async () => {
    const limiter = createMemoryRateLimiter({ clock: manualClock() });
    const rules: RateLimitRule[] = [{ scope: 'key:k1', tpm: 1_000 }];
    await limiter.consume({ rules, tokens: 400 });
    expect(limiter.size()).toBe(1);
    await limiter.adjustTokens(rules, -400);
    expect(limiter.size()).toBe(0);
  });

  it('its sync twin shares the buckets of the async methods and throws where they reject', async () => {
    const limiter = createMemoryRateLimiter({ clock: manualClock() });
    const rules: RateLimitRule[] = [{ scope: 'key:k1', rpm: 2, tpm: 1_000 }];
    expect(limiter.sync.consume({ rules, tokens: 600 }).allowed).toBe(true);
    expect(await limiter.consume({ rules, tokens: 600 })).toMatchObject({ allowed: false, dimension: 'tokens', remaining: 400 });
    limiter.sync.adjustTokens(rules, -500);
    expect(await limiter.check({ rules, tokens: 0 })).toMatchObject({ requests: { remaining: 0 }, tokens: { remaining: 900 } }); // after this request
    expect(() => limiter.sync.consume({ rules, tokens: -1 })).toThrow(HubError);
    expect(() => limiter.sync.adjustTokens(rules, 0.5)).toThrow(/delta/);
  });

  it('a scope listed twice keeps its lower limit, in the place of its first mention', async () => {
    const limiter = createMemoryRateLimiter({ clock: manualClock() });
    const decision = await limiter.consume({
      rules: [{ scope: 'key:k1', rpm: 10, tpm: 500 }, { scope: 'app:a1', rpm: 5 }, { scope: 'key:k1', rpm: 3, tpm: 900 }],
      tokens: 100,
    });
    expect(decision).toEqual({ allowed: true, requests: { scope: 'key:k1', limit: 3, remaining: 2, resetMs: 20_000 }, tokens: { scope: 'key:k1', limit: 500, remaining: 400, resetMs: 12_000 } });
    expect(limiter.size()).toBe(3);
    // Refunds go to the first TPM rule of a scope only once.
    await limiter.adjustTokens([{ scope: 'key:k1', tpm: 500 }, { scope: 'key:k1', tpm: 500 }], -100);
    expect(limiter.size()).toBe(2);
  });

  it('refuses malformed counts with a typed error', async () => {
    const limiter = createMemoryRateLimiter({ clock: manualClock() });
    await expect(limiter.consume({ rules: [{ scope: 'key:k1', tpm: 10 }], tokens: -1 })).rejects.toThrow(HubError);
    await expect(limiter.consume({ rules: [{ scope: 'key:k1', rpm: 1.5 }], tokens: 1 })).rejects.toThrow(/requests limit of key:k1/);
    await expect(limiter.adjustTokens([{ scope: 'key:k1', tpm: 10 }], 0.5)).rejects.toThrow(/delta/);
  });
});

describe('rate limit headers', () => {
  it('formats reset durations like OpenAI', () => {
    expect(formatResetDuration(0)).toBe('0ms');
    expect(formatResetDuration(20)).toBe('20ms');
    expect(formatResetDuration(1_000)).toBe('1s');
    expect(formatResetDuration(1_500)).toBe('1.5s');
    expect(formatResetDuration(8_571.4)).toBe('8.572s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
    expect(formatResetDuration(3_723_000)).toBe('1h2m3s');
    expect(formatResetDuration(61_005)).toBe('1m1.005s');
    expect(formatResetDuration(1_050)).toBe('1.05s');
  });

  it('formats every millisecond count like the decimal formula it replaced', () => {
    const reference = (ms: number): string => {
      const total = Math.max(0, Math.ceil(ms));
      if (total < 1000) return `${total}ms`;
      const hours = Math.floor(total / 3_600_000);
      const minutes = Math.floor((total % 3_600_000) / 60_000);
      const millis = total % 60_000;
      const seconds = millis % 1000 === 0 ? String(millis / 1000) : (millis / 1000).toFixed(3).replace(/0+$/, '');
      return hours > 0 ? `${hours}h${minutes}m${seconds}s` : minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
    };
    for (let ms = 0; ms <= 125_000; ms += 1) expect(formatResetDuration(ms)).toBe(reference(ms));
    for (const ms of [3_599_999, 3_600_001, 7_261_010, 86_400_000, 12.2, 999.5]) expect(formatResetDuration(ms)).toBe(reference(ms));
  });

  it('produces the x-ratelimit-* set for an admitted request', async () => {
    const limiter = createMemoryRateLimiter({ clock: manualClock() });
    const decision = await limiter.consume({ rules: [{ scope: 'key:k1', rpm: 60, tpm: 10_000 }], tokens: 2_500 });
    expect(rateLimitHeaders(decision)).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '7500',
      'x-ratelimit-reset-tokens': '15s',
    });
  });

  it('adds Retry-After (seconds, rounded up) and retry-after-ms to a rejection, and the error carries it', async () => {
    const limiter = createMemoryRateLimiter({ clock: manualClock() });
    const rules: RateLimitRule[] = [{ scope: 'app:a1', rpm: 7 }];
    for (let i = 0; i < 7; i += 1) await limiter.consume({ rules, tokens: 0 });
    const denied = await limiter.consume({ rules, tokens: 0 });
    expect(denied.allowed).toBe(false);
    if (denied.allowed) return;
    const headers = rateLimitHeaders(denied);
    expect(headers['retry-after']).toBe('9');
    expect(headers['retry-after-ms']).toBe('8572');
    expect(headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(headers['x-ratelimit-reset-requests']).toBe('1m0s');
    const error = rateLimitedError(denied);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfterMs: 8572 });
    expect(error.message).toContain('app:a1');
  });
});
