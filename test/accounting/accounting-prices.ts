/**
 * The price formula of the accounting suite, written independently of src/ (BigInt only):
 *   numerator = (input − cached − cacheWrite)·inputPrice + cached·cachedPrice
 *             + cacheWrite·cacheWritePrice + output·outputPrice      (micro-units per 1M tokens)
 *   cost      = numerator / 1,000,000 rounded half up                 (micro-units)
 * Prices are written as decimal text (as in the hub YAML) and parsed to micro-units here.
 */
import type { FakeMeter } from '../fakes/index.js';

/** A deployment price as written in YAML: USD per 1M tokens, decimal text (≤ 6 decimals). */
export interface YamlPrice {
  input: string;
  output: string;
  cachedInput?: string;
  cacheWrite?: string;
}

/** Token counts in OpenAI semantics: `input` includes `cached` and `cacheWrite`. */
export interface Tokens {
  input: number;
  output: number;
  cached: number;
  cacheWrite: number;
}

/** `"1.234567"` → 1_234_567n, by text (no float arithmetic). */
export function microsPerMillion(decimal: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(decimal);
  if (!m) throw new Error(`test price ${decimal} is not a decimal with ≤ 6 decimals`);
  return BigInt(m[1] ?? '0') * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0') || '0');
}

/** Exact cost in micro-units, rounded half up, computed with BigInt. */
export function expectedCost(t: Tokens, price: YamlPrice): bigint {
  const input = microsPerMillion(price.input);
  const cached = price.cachedInput !== undefined ? microsPerMillion(price.cachedInput) : input;
  const write = price.cacheWrite !== undefined ? microsPerMillion(price.cacheWrite) : input;
  const output = microsPerMillion(price.output);
  const plain = BigInt(Math.max(0, t.input - t.cached - t.cacheWrite));
  const numerator = plain * input + BigInt(t.cached) * cached + BigInt(t.cacheWrite) * write + BigInt(t.output) * output;
  return (numerator + 500_000n) / 1_000_000n;
}

export function meterTokens(m: FakeMeter): Tokens {
  return { input: m.inputTokens, output: m.outputTokens, cached: m.cachedInputTokens, cacheWrite: m.cacheWriteTokens };
}

/** What the fake billed between two snapshots. */
export function meterDelta(after: FakeMeter, before: FakeMeter): Tokens & { billedRequests: number } {
  return {
    input: after.inputTokens - before.inputTokens,
    output: after.outputTokens - before.outputTokens,
    cached: after.cachedInputTokens - before.cachedInputTokens,
    cacheWrite: after.cacheWriteTokens - before.cacheWriteTokens,
    billedRequests: after.billedRequests - before.billedRequests,
  };
}

/** Main deployment: odd prices so every cost needs rounding. */
export const PRICE_A: YamlPrice = { input: '1.234567', output: '7.654321', cachedInput: '0.123457', cacheWrite: '1.543211' };
/** Fallback partner of A: different on every field. */
export const PRICE_B: YamlPrice = { input: '3.000003', output: '11.000011', cachedInput: '0.5', cacheWrite: '3.75' };
/** 1 input + 1 output token at 0.25 each = exactly 0.5 micro-units → half up gives 1 (half-even / floor give 0). */
export const PRICE_HALF: YamlPrice = { input: '0.25', output: '0.25' };
/** Whole micro-units per token: every cost and worst case is an integer before division. */
export const PRICE_WHOLE: YamlPrice = { input: '1', output: '2' };
