/**
 * The RateLimiter contract suite. Every implementation (memory now, Redis later) runs it:
 *   describeRateLimiterContract('redis', async (clock) => createRedisRateLimiter({ clock, … }))
 */
import { describe, expect, it } from 'vitest';
import type { RateLimiter, RateLimitRule } from '../../src/gateway/limits/rate-limit.js';
import { manualClock, type ManualClock } from './manual-clock.js';

export type RateLimiterFactory = (clock: ManualClock) => RateLimiter | Promise<RateLimiter>;

async function setup(factory: RateLimiterFactory) {
  const clock = manualClock();
  return { clock, limiter: await factory(clock) };
}

async function consumeTimes(limiter: RateLimiter, rules: RateLimitRule[], times: number, tokens = 0): Promise<number> {
  let admitted = 0;
  for (let i = 0; i < times; i += 1) {
    if ((await limiter.consume({ rules, tokens })).allowed) admitted += 1;
  }
  return admitted;
}

export function describeRateLimiterContract(name: string, factory: RateLimiterFactory): void {
  describe(`RateLimiter contract: ${name}`, () => {
    it('admits exactly the RPM limit in a burst and rejects the next', async () => {
      const { limiter } = await setup(factory);
      const rules: RateLimitRule[] = [{ scope: 'key:k1', rpm: 60 }];
      expect(await consumeTimes(limiter, rules, 60)).toBe(60);
      const next = await limiter.consume({ rules, tokens: 0 });
      expect(next).toMatchObject({ allowed: false, scope: 'key:k1', dimension: 'requests', limit: 60, remaining: 0, retryAfterMs: 1000, resetMs: 60_000 });
    });

    it('refills one request per 60 000 / RPM ms, exactly at the boundary', async () => {
      const { clock, limiter } = await setup(factory);
      const rules: RateLimitRule[] = [{ scope: 'key:k1', rpm: 7 }];
      expect(await consumeTimes(limiter, rules, 7)).toBe(7);
      // one request drains in 60 000 / 7 = 8 571.43 ms → ceil 8 572
      const rejected = await limiter.consume({ rules, tokens: 0 });
      expect(rejected.allowed).toBe(false);
      if (rejected.allowed) return;
      expect(rejected.retryAfterMs).toBe(8572);
      clock.advance(8571);
      expect((await limiter.consume({ rules, tokens: 0 })).allowed).toBe(false);
      clock.advance(1);
      expect((await limiter.consume({ rules, tokens: 0 })).allowed).toBe(true);
      expect((await limiter.consume({ rules, tokens: 0 })).allowed).toBe(false);
    });

    it('Retry-After is exactly when the same request is admitted again', async () => {
      const { clock, limiter } = await setup(factory);
      const rules: RateLimitRule[] = [{ scope: 'tenant:t1', tpm: 1000 }];
      expect((await limiter.consume({ rules, tokens: 900 })).allowed).toBe(true);
      const denied = await limiter.consume({ rules, tokens: 300 });
      expect(denied).toMatchObject({ allowed: false, dimension: 'tokens', remaining: 100 });
      if (denied.allowed) return;
      // 200 tokens over; 1 000 tokens refill per 60 s → 12 000 ms
      expect(denied.retryAfterMs).toBe(12_000);
      clock.advance(denied.retryAfterMs - 1);
      expect((await limiter.check({ rules, tokens: 300 })).allowed).toBe(false);
      clock.advance(1);
      expect((await limiter.consume({ rules, tokens: 300 })).allowed).toBe(true);
    });

    it('is all-or-nothing across scopes: a rejecting key charges neither tenant nor app', async () => {
      const { limiter } = await setup(factory);
      const tenant: RateLimitRule = { scope: 'tenant:t1', rpm: 100, tpm: 10_000 };
      const app: RateLimitRule = { scope: 'app:a1', rpm: 100 };
      const key: RateLimitRule = { scope: 'key:k1', rpm: 2 };
      const all = [tenant, app, key];
      expect(await consumeTimes(limiter, all, 5, 100)).toBe(2);
      const denied = await limiter.consume({ rules: all, tokens: 100 });
      expect(denied).toMatchObject({ allowed: false, scope: 'key:k1' });
      // Only the two admitted requests reached the tenant: 98 requests and 9 800 tokens left.
      const tenantOnly = await limiter.check({ rules: [tenant], tokens: 0 });
      expect(tenantOnly).toMatchObject({ allowed: true, requests: { scope: 'tenant:t1', remaining: 97 }, tokens: { remaining: 9_800 } });
      expect(await consumeTimes(limiter, [tenant], 98)).toBe(98);
      expect(await consumeTimes(limiter, [tenant], 1)).toBe(0);
    });

    it('reports the rejecting bucket that frees up last', async () => {
      const { limiter } = await setup(factory);
      const a: RateLimitRule = { scope: 'app:a1', rpm: 1 };
      const k: RateLimitRule = { scope: 'key:k1', rpm: 60 };
      expect((await limiter.consume({ rules: [a, k], tokens: 0 })).allowed).toBe(true);
      expect(await consumeTimes(limiter, [k], 59)).toBe(59);
      const denied = await limiter.consume({ rules: [k, a], tokens: 0 });
      expect(denied).toMatchObject({ allowed: false, scope: 'app:a1', retryAfterMs: 60_000 });
    });

    it('check never charges', async () => {
      const { limiter } = await setup(factory);
      const rules: RateLimitRule[] = [{ scope: 'key:k1', rpm: 1, tpm: 10 }];
      for (let i = 0; i < 5; i += 1) expect((await limiter.check({ rules, tokens: 10 })).allowed).toBe(true);
      expect((await limiter.consume({ rules, tokens: 10 })).allowed).toBe(true);
      expect((await limiter.check({ rules, tokens: 1 })).allowed).toBe(false);
    });

    it('corrects TPM with actual usage: refunds free capacity, overruns become debt', async () => {
      const { clock, limiter } = await setup(factory);
      const rules: RateLimitRule[] = [{ scope: 'deployment:d1', tpm: 6_000 }];
      expect((await limiter.consume({ rules, tokens: 5_000 })).allowed).toBe(true);
      expect((await limiter.check({ rules, tokens: 2_000 })).allowed).toBe(false);
      await limiter.adjustTokens(rules, -4_000); // used 1 000, not 5 000
      expect(await limiter.check({ rules, tokens: 0 })).toMatchObject({ allowed: true, tokens: { remaining: 5_000 } });
      // A refund never makes a bucket fuller than full.
      await limiter.adjustTokens(rules, -1_000_000);
      expect(await limiter.check({ rules, tokens: 0 })).toMatchObject({ tokens: { remaining: 6_000, resetMs: 0 } });
      // Overrun: 7 000 more than estimated → debt of 1 000 beyond capacity, 10 s to pay back.
      expect((await limiter.consume({ rules, tokens: 0 })).allowed).toBe(true);
      await limiter.adjustTokens(rules, 7_000);
      const denied = await limiter.consume({ rules, tokens: 1 });
      expect(denied).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 10_010 });
      clock.advance(10_010);
      expect((await limiter.consume({ rules, tokens: 1 })).allowed).toBe(true);
    });

    it('admits a request larger than the whole TPM limit only when the bucket is full', async () => {
      const { clock, limiter } = await setup(factory);
      const rules: RateLimitRule[] = [{ scope: 'key:k1', tpm: 1_000 }];
      expect((await limiter.consume({ rules, tokens: 10 })).allowed).toBe(true);
      const denied = await limiter.consume({ rules, tokens: 5_000 });
      expect(denied).toMatchObject({ allowed: false, retryAfterMs: 600 });
      clock.advance(600);
      expect((await limiter.consume({ rules, tokens: 5_000 })).allowed).toBe(true);
      expect(await limiter.check({ rules, tokens: 1 })).toMatchObject({ allowed: false, retryAfterMs: 240_060 });
    });

    it('a limit of 0 rejects everything; no rule admits everything', async () => {
      const { limiter } = await setup(factory);
      expect((await limiter.consume({ rules: [{ scope: 'key:blocked', rpm: 0 }], tokens: 0 })).allowed).toBe(false);
      expect(await limiter.consume({ rules: [], tokens: 10 })).toEqual({ allowed: true });
      expect((await limiter.consume({ rules: [{ scope: 'key:k1' }], tokens: 10 })).allowed).toBe(true);
    });

    it('reports the tightest bucket per dimension for the headers', async () => {
      const { limiter } = await setup(factory);
      const rules: RateLimitRule[] = [
        { scope: 'tenant:t1', rpm: 1_000, tpm: 100_000 },
        { scope: 'key:k1', rpm: 10, tpm: 1_000_000 },
      ];
      const ok = await limiter.consume({ rules, tokens: 500 });
      expect(ok).toEqual({
        allowed: true,
        requests: { scope: 'key:k1', limit: 10, remaining: 9, resetMs: 6_000 },
        tokens: { scope: 'tenant:t1', limit: 100_000, remaining: 99_500, resetMs: 300 },
      });
    });

    it('keeps scopes independent and merges a scope listed twice with the lower limit', async () => {
      const { limiter } = await setup(factory);
      expect(await consumeTimes(limiter, [{ scope: 'key:a', rpm: 1 }], 2)).toBe(1);
      expect(await consumeTimes(limiter, [{ scope: 'key:b', rpm: 1 }], 2)).toBe(1);
      expect(await consumeTimes(limiter, [{ scope: 'key:c', rpm: 5 }, { scope: 'key:c', rpm: 2 }], 5)).toBe(2);
    });
  });
}
