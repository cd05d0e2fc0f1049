import { describe, expect, it } from 'vitest';
import type { Usage } from '../../src/core/chat.js';
import type { Price } from '../../src/core/domain.js';
import { HubError } from '../../src/core/errors.js';
import { priceUsage, worstCaseCostMicros } from '../../src/gateway/accounting/pricing.js';
import { convertMicros, convertMoney, parseFxTable } from '../../src/gateway/accounting/pricing-fx.js';

function usage(partial: Partial<Usage>): Usage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider', ...partial };
}

/** Reference: exact rational cost in BigInt, rounded half up. Independent of the implementation. */
function referenceCost(u: Usage, p: Price): number {
  const billable = BigInt(Math.max(0, u.inputTokens - u.cachedInputTokens - u.cacheWriteTokens));
  const n =
    billable * BigInt(p.inputPerMTok) +
    BigInt(u.cachedInputTokens) * BigInt(p.cachedInputPerMTok ?? p.inputPerMTok) +
    BigInt(u.cacheWriteTokens) * BigInt(p.cacheWritePerMTok ?? p.inputPerMTok) +
    BigInt(u.outputTokens) * BigInt(p.outputPerMTok);
  return Number((n * 2n + 1_000_000n) / 2_000_000n);
}

/** Deterministic PRNG so a failing property prints a reproducible case. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// Example list prices (per 1M tokens) as vendors published them; fixtures, not a price book.
const GPT_4O: Price = { currency: 'USD', inputPerMTok: 2_500_000, outputPerMTok: 10_000_000, cachedInputPerMTok: 1_250_000 };
const CLAUDE_SONNET: Price = { currency: 'USD', inputPerMTok: 3_000_000, outputPerMTok: 15_000_000, cachedInputPerMTok: 300_000, cacheWritePerMTok: 3_750_000 };
const DEEPSEEK_CHAT: Price = { currency: 'CNY', inputPerMTok: 2_000_000, outputPerMTok: 8_000_000, cachedInputPerMTok: 500_000 };

describe('priceUsage', () => {
  it('prices known vendor usages exactly', () => {
    // 1,000 in + 500 out on gpt-4o: 1000×2.5 + 500×10 = 7,500 µ$/1e6 … = 0.0075 $ = 7,500 µ$
    expect(priceUsage(usage({ inputTokens: 1000, outputTokens: 500 }), GPT_4O)).toEqual({ costMicros: 7_500, currency: 'USD', unpriced: false });
    // 1M in + 1M out on deepseek-chat: ¥2 + ¥8 = ¥10
    expect(priceUsage(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), DEEPSEEK_CHAT)).toEqual({ costMicros: 10_000_000, currency: 'CNY', unpriced: false });
  });

  it('bills cached and cache-write tokens at their own prices and the rest as plain input', () => {
    // Sonnet: 10,000 input of which 6,000 cache reads and 2,000 cache writes; 1,000 output.
    // 2,000×3 + 6,000×0.3 + 2,000×3.75 + 1,000×15 = 6,000 + 1,800 + 7,500 + 15,000 = 30,300 µ$
    const u = usage({ inputTokens: 10_000, cachedInputTokens: 6_000, cacheWriteTokens: 2_000, outputTokens: 1_000 });
    expect(priceUsage(u, CLAUDE_SONNET).costMicros).toBe(30_300);
    // Without cached prices the cached tokens cost plain input.
    const plain: Price = { currency: 'USD', inputPerMTok: 3_000_000, outputPerMTok: 15_000_000 };
    expect(priceUsage(u, plain).costMicros).toBe(10_000 * 3 + 1_000 * 15);
  });

  it('never bills negative uncached input when cached counts exceed the input', () => {
    const u = usage({ inputTokens: 100, cachedInputTokens: 80, cacheWriteTokens: 50, outputTokens: 0 });
    // billable input clamps to 0: 80×0.3 + 50×3.75 = 24 + 187.5 → 211.5 → 212 (half up)
    expect(priceUsage(u, CLAUDE_SONNET).costMicros).toBe(212);
  });

  it('rounds half up on exactly half a micro and down below it', () => {
    const p: Price = { currency: 'USD', inputPerMTok: 1, outputPerMTok: 3 };
    expect(priceUsage(usage({ inputTokens: 499_999 }), p).costMicros).toBe(0);
    expect(priceUsage(usage({ inputTokens: 500_000 }), p).costMicros).toBe(1);
    expect(priceUsage(usage({ inputTokens: 1_499_999 }), p).costMicros).toBe(1);
    expect(priceUsage(usage({ inputTokens: 1_500_000 }), p).costMicros).toBe(2);
    // 1 output token at 3 µ/M = 0.000003 µ → 0: tiny usages cost 0, not a float residue.
    expect(priceUsage(usage({ outputTokens: 1 }), p).costMicros).toBe(0);
    // The sum is rounded once: 250,000×1 + 100,000×3 = 550,000 → 1 (two separate roundings would give 0 + 0).
    expect(priceUsage(usage({ inputTokens: 250_000, outputTokens: 100_000 }), p).costMicros).toBe(1);
  });

  it('is exact beyond 2^53 in the numerator', () => {
    const p: Price = { currency: 'USD', inputPerMTok: 999_999_999, outputPerMTok: 1_000_000_007 };
    const u = usage({ inputTokens: 123_456_789_012, outputTokens: 9_876_543_210 });
    expect(123_456_789_012 * 999_999_999).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(priceUsage(u, p).costMicros).toBe(referenceCost(u, p));
  });

  it('flags an unpriced deployment instead of billing zero silently', () => {
    expect(priceUsage(usage({ inputTokens: 10, outputTokens: 10 }), undefined)).toEqual({ costMicros: 0, currency: 'USD', unpriced: true });
    expect(priceUsage(usage({ inputTokens: 10 }), undefined, 'CNY').currency).toBe('CNY');
  });

  it('refuses malformed counts and prices with a typed error', () => {
    expect(() => priceUsage(usage({ inputTokens: -1 }), GPT_4O)).toThrow(HubError);
    expect(() => priceUsage(usage({ outputTokens: 1.5 }), GPT_4O)).toThrow(/outputTokens/);
    expect(() => priceUsage(usage({}), { ...GPT_4O, inputPerMTok: 2.5 })).toThrow(/inputPerMTok/);
  });

  it('matches an exact reference on random usages, and the same usage costs the same streamed or not', () => {
    const next = rng(42);
    const int = (max: number) => Math.floor(next() * max);
    for (let i = 0; i < 2_000; i += 1) {
      const price: Price = { currency: next() < 0.5 ? 'USD' : 'CNY', inputPerMTok: int(20_000_000), outputPerMTok: int(80_000_000) };
      if (next() < 0.5) price.cachedInputPerMTok = int(5_000_000);
      if (next() < 0.3) price.cacheWritePerMTok = int(25_000_000);
      const input = int(2_000_000);
      const nonStream = usage({ inputTokens: input, cachedInputTokens: int(input + 1), cacheWriteTokens: int(1_000), outputTokens: int(200_000), reasoningTokens: int(1_000) });
      // A stream reports the same usage in its final chunk; the adapter builds a fresh object.
      const stream: Usage = JSON.parse(JSON.stringify(nonStream)) as Usage;
      const a = priceUsage(nonStream, price);
      expect(a.costMicros, JSON.stringify({ nonStream, price })).toBe(referenceCost(nonStream, price));
      expect(priceUsage(stream, price)).toEqual(a);
      expect(Number.isInteger(a.costMicros)).toBe(true);
    }
  });
});

describe('worstCaseCostMicros', () => {
  it('is undefined for an unpriced deployment', () => {
    expect(worstCaseCostMicros(100, 100, undefined)).toBeUndefined();
  });

  it('rounds up and uses the highest input-side price', () => {
    const p: Price = { currency: 'USD', inputPerMTok: 1, outputPerMTok: 1 };
    expect(worstCaseCostMicros(1, 0, p)).toBe(1);
    expect(worstCaseCostMicros(0, 0, p)).toBe(0);
    expect(worstCaseCostMicros(1_000_000, 0, p)).toBe(1);
    expect(worstCaseCostMicros(1_000_001, 0, p)).toBe(2);
    // Sonnet cache writes cost more than input: the worst case prices all input at 3.75 $/M.
    expect(worstCaseCostMicros(10_000, 1_000, CLAUDE_SONNET)).toBe(10_000 * 3.75 + 1_000 * 15);
  });

  it('bounds the actual cost of every usage within its token limits', () => {
    const next = rng(7);
    const int = (max: number) => Math.floor(next() * max);
    for (let i = 0; i < 2_000; i += 1) {
      const price: Price = { currency: 'USD', inputPerMTok: int(10_000_000), outputPerMTok: int(60_000_000), cachedInputPerMTok: int(3_000_000), cacheWritePerMTok: int(15_000_000) };
      const maxIn = int(500_000);
      const maxOut = int(100_000);
      const input = int(maxIn + 1);
      const cached = int(input + 1);
      const u = usage({ inputTokens: input, cachedInputTokens: cached, cacheWriteTokens: int(input - cached + 1), outputTokens: int(maxOut + 1) });
      expect(priceUsage(u, price).costMicros).toBeLessThanOrEqual(worstCaseCostMicros(maxIn, maxOut, price) ?? -1);
    }
  });
});

describe('convertMicros', () => {
  const fx = parseFxTable({ USD_CNY: '7.20' });

  it('converts exactly in both directions from one rate', () => {
    expect(convertMicros(1_000_000, 'USD', 'CNY', fx)).toBe(7_200_000);
    expect(convertMicros(7_200_000, 'CNY', 'USD', fx)).toBe(1_000_000);
    expect(convertMicros(123, 'USD', 'USD', fx)).toBe(123);
  });

  it('rounds half up by default and up with ceil', () => {
    // 1 µ¥ = 1/7.2 µ$ = 0.1388… → 0 half-up, 1 ceil
    expect(convertMicros(1, 'CNY', 'USD', fx)).toBe(0);
    expect(convertMicros(1, 'CNY', 'USD', fx, 'ceil')).toBe(1);
    // 36 µ¥ / 7.2 = 5 exactly; 39 / 7.2 = 5.4166 → 5; 40 / 7.2 = 5.555 → 6
    expect(convertMicros(36, 'CNY', 'USD', fx)).toBe(5);
    expect(convertMicros(39, 'CNY', 'USD', fx)).toBe(5);
    expect(convertMicros(40, 'CNY', 'USD', fx)).toBe(6);
    // exact half: 1 µ$ at 2.5 = 2.5 µ¥ → 3
    expect(convertMicros(1, 'USD', 'CNY', parseFxTable({ USD_CNY: '2.5' }))).toBe(3);
    expect(convertMicros(-1, 'USD', 'CNY', parseFxTable({ USD_CNY: '2.5' }))).toBe(-3);
  });

  it('prefers an explicit reverse rate and handles many decimals exactly', () => {
    const both = parseFxTable({ USD_CNY: '7.2', CNY_USD: '0.14' });
    expect(convertMicros(1_000_000, 'CNY', 'USD', both)).toBe(140_000);
    const precise = parseFxTable({ USD_CNY: '7.123456789012' });
    expect(convertMoney({ micros: 1_000_000_000_000, currency: 'USD' }, 'CNY', precise)).toEqual({ micros: 7_123_456_789_012, currency: 'CNY' });
  });

  it('rejects malformed tables and missing rates with messages that say what to fix', () => {
    expect(() => parseFxTable({ USD_EUR: '1' })).toThrow(/USD_CNY/);
    expect(() => parseFxTable({ USD_CNY: '-7' })).toThrow(/positive decimal/);
    expect(() => parseFxTable({ USD_CNY: '0' })).toThrow(/greater than zero/);
    expect(() => convertMicros(1, 'USD', 'CNY', {})).toThrow(/fx\.USD_CNY/);
    expect(() => convertMicros(0.5, 'USD', 'CNY', fx)).toThrow(HubError);
  });
});
