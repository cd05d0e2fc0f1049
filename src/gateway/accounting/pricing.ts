/**
 * Exact pricing of token usage (DESIGN.md §6 invariant 2; docs/budgets-and-limits.md §Pricing).
 *
 * A `Price` holds integer micro-units per one million tokens. The cost of a usage is computed
 * as ONE exact integer numerator — Σ tokens × price-per-million — followed by ONE division by
 * 1,000,000:
 *  - actual costs (`priceUsage`) round half up to the nearest micro-unit;
 *  - worst cases (`worstCaseCostMicros`) round up (ceil), so a reservation is never smaller
 *    than the actual cost of any usage within its token bounds.
 * The numerator is computed in plain numbers when it provably fits in 2^53 and in BigInt
 * otherwise, so the result is exact for any token count and price.
 *
 * The same function prices streamed and non-streamed attempts: cost depends on usage only.
 */
import type { Usage } from '../../core/chat.js';
import type { Currency, Price } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import { divideRounded, toSafeMicros, type MicrosRounding } from './pricing-fx.js';

export interface PricedUsage {
  /** Integer micro-units of `currency`; 0 when unpriced. */
  costMicros: number;
  currency: Currency;
  /** True when the deployment has no price: the row is flagged, never silently free. */
  unpriced: boolean;
}

const PER_MILLION = 1_000_000;
const PER_MILLION_BIG = 1_000_000n;

/** [tokens, price per million] pairs that make up one cost. */
type Terms = Array<readonly [number, number]>;

function requireCount(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new HubError('internal_error', `pricing: ${what} must be a non-negative integer, got ${value}`);
  }
  return value;
}

function requirePriceField(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw new HubError('internal_error', `price.${name} must be a non-negative integer of micro-units per 1M tokens, got ${value}`);
  }
}

function requirePrice(price: Price): void {
  requirePriceField('inputPerMTok', price.inputPerMTok);
  requirePriceField('outputPerMTok', price.outputPerMTok);
  requirePriceField('cachedInputPerMTok', price.cachedInputPerMTok);
  requirePriceField('cacheWritePerMTok', price.cacheWritePerMTok);
}

/**
 * Σ tokens × price / 1e6 with one rounding step; exact for any magnitude. `numerator` is the
 * same sum in plain numbers (the caller's fast path, no arrays); `terms` give it in BigInt
 * when it is beyond 2^53.
 */
function costOf(numerator: number, terms: () => Terms, rounding: MicrosRounding): number {
  if (numerator <= Number.MAX_SAFE_INTEGER) {
    // Every term is a non-negative integer and the float sum stayed below 2^53, so each
    // product and partial sum was exact; `%` on exact integers is exact too.
    const remainder = numerator % PER_MILLION;
    const quotient = (numerator - remainder) / PER_MILLION;
    if (remainder === 0) return quotient;
    const up = rounding === 'ceil' || remainder * 2 >= PER_MILLION;
    return up ? quotient + 1 : quotient;
  }
  let big = 0n;
  for (const [tokens, perMillion] of terms()) big += BigInt(tokens) * BigInt(perMillion);
  return toSafeMicros(divideRounded(big, PER_MILLION_BIG, rounding), 'cost');
}

/**
 * Prices one attempt's usage at the served deployment's price.
 *
 * Billable (uncached) input = inputTokens − cachedInputTokens − cacheWriteTokens, never
 * negative; cached tokens at `cachedInputPerMTok`, cache writes at `cacheWritePerMTok` (both
 * default to `inputPerMTok`); output (including reasoning) at `outputPerMTok`. Rounds half up.
 * An undefined price returns `{ costMicros: 0, unpriced: true }` in `unpricedCurrency`.
 */
export function priceUsage(usage: Usage, price: Price | undefined, unpricedCurrency: Currency = 'USD'): PricedUsage {
  if (price === undefined) return { costMicros: 0, currency: unpricedCurrency, unpriced: true };
  requirePrice(price);
  const input = requireCount(usage.inputTokens, 'usage.inputTokens');
  const cached = requireCount(usage.cachedInputTokens, 'usage.cachedInputTokens');
  const cacheWrite = requireCount(usage.cacheWriteTokens, 'usage.cacheWriteTokens');
  const output = requireCount(usage.outputTokens, 'usage.outputTokens');
  const billableInput = Math.max(0, input - cached - cacheWrite);
  const cachedPerMTok = price.cachedInputPerMTok ?? price.inputPerMTok;
  const cacheWritePerMTok = price.cacheWritePerMTok ?? price.inputPerMTok;
  const costMicros = costOf(
    billableInput * price.inputPerMTok + cached * cachedPerMTok + cacheWrite * cacheWritePerMTok + output * price.outputPerMTok,
    () => [
      [billableInput, price.inputPerMTok],
      [cached, cachedPerMTok],
      [cacheWrite, cacheWritePerMTok],
      [output, price.outputPerMTok],
    ],
    'half-up',
  );
  return { costMicros, currency: price.currency, unpriced: false };
}

/**
 * The most a request can cost on a deployment, for budget reservations: every input token at
 * the highest input-side price (plain, cached or cache-write — cache writes can cost more than
 * plain input) plus `maxOutputTokens` at the output price, rounded up. Always ≥ `priceUsage`
 * of any usage with inputTokens ≤ `inputTokens` and outputTokens ≤ `maxOutputTokens`.
 * Undefined when the deployment is unpriced. The amount is in `price.currency`.
 */
export function worstCaseCostMicros(inputTokens: number, maxOutputTokens: number, price: Price | undefined): number | undefined {
  if (price === undefined) return undefined;
  requirePrice(price);
  const inputPerMTok = Math.max(price.inputPerMTok, price.cachedInputPerMTok ?? 0, price.cacheWritePerMTok ?? 0);
  const input = requireCount(inputTokens, 'inputTokens');
  const output = requireCount(maxOutputTokens, 'maxOutputTokens');
  return costOf(input * inputPerMTok + output * price.outputPerMTok, () => [[input, inputPerMTok], [output, price.outputPerMTok]], 'ceil');
}
