/**
 * Exact currency conversion of integer micro-unit amounts (docs/budgets-and-limits.md §FX).
 *
 * An FX table maps a pair `FROM_TO` to a decimal string: `{ USD_CNY: '7.20' }` means
 * 1 USD = 7.20 CNY. The string is parsed into an exact rational (integer / 10^decimals), so a
 * conversion is one integer multiplication and one integer division in BigInt — no floats.
 * The inverse direction is derived from the same entry (CNY→USD divides by 7.20) unless the
 * table gives its own `CNY_USD` rate, which then wins for that direction.
 */
import type { Currency } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';

/** An amount of money: integer micro-units of `currency`. */
export interface Money {
  micros: number;
  currency: Currency;
}

export type FxPair = `${Currency}_${Currency}`;

/** Decimal rates as written in the hub config, e.g. `{ USD_CNY: '7.20' }`. */
export type FxTable = Readonly<Partial<Record<FxPair, string>>>;

/**
 * How a converted amount is rounded to a whole micro-unit:
 * - `half-up` (default): to the nearest micro, exact halves away from zero. Used for actual costs.
 * - `ceil`: towards +infinity. Used for worst-case reservations, so a reservation converted
 *   into a budget's currency is never smaller than the same amount converted half-up.
 */
export type MicrosRounding = 'half-up' | 'ceil';

interface Rational {
  num: bigint;
  den: bigint;
}

const DECIMAL_RATE = /^(\d{1,12})(?:\.(\d{1,12}))?$/;
const CURRENCIES: readonly Currency[] = ['USD', 'CNY'];
const parsedRates = new Map<string, Rational>();

function parseRate(pair: string, text: string): Rational {
  const cached = parsedRates.get(text);
  if (cached) return cached;
  const match = DECIMAL_RATE.exec(text);
  if (!match) {
    throw new HubError('invalid_request', `FX rate ${pair} must be a positive decimal string like '7.20', got '${text}'`, { param: `fx.${pair}` });
  }
  const decimals = match[2] ?? '';
  const rate: Rational = { num: BigInt(`${match[1]}${decimals}`), den: 10n ** BigInt(decimals.length) };
  if (rate.num === 0n) {
    throw new HubError('invalid_request', `FX rate ${pair} must be greater than zero`, { param: `fx.${pair}` });
  }
  parsedRates.set(text, rate);
  return rate;
}

/**
 * Validates an FX table from config (keys `USD_CNY` / `CNY_USD`, positive decimal values; plain
 * numbers are accepted and turned into strings) and returns it frozen. Throws
 * `invalid_request` naming the bad entry.
 */
export function parseFxTable(raw: Readonly<Record<string, string | number>>): FxTable {
  const table: Partial<Record<FxPair, string>> = {};
  for (const [key, value] of Object.entries(raw)) {
    const [from, to, extra] = key.split('_');
    if (extra !== undefined || !isCurrency(from) || !isCurrency(to) || from === to) {
      throw new HubError('invalid_request', `FX table key '${key}' must be a pair like USD_CNY of two different currencies (${CURRENCIES.join(', ')})`, { param: `fx.${key}` });
    }
    const text = typeof value === 'number' ? String(value) : value.trim();
    parseRate(key, text);
    table[`${from}_${to}`] = text;
  }
  return Object.freeze(table);
}

function isCurrency(value: string | undefined): value is Currency {
  return value !== undefined && (CURRENCIES as readonly string[]).includes(value);
}

/** Rate to multiply `from` amounts with to get `to` amounts, as an exact fraction. */
function rateFor(from: Currency, to: Currency, fx: FxTable): Rational {
  const direct = fx[`${from}_${to}`];
  if (direct !== undefined) return parseRate(`${from}_${to}`, direct);
  const inverse = fx[`${to}_${from}`];
  if (inverse !== undefined) {
    const rate = parseRate(`${to}_${from}`, inverse);
    return { num: rate.den, den: rate.num };
  }
  throw new HubError('internal_error', `no FX rate to convert ${from} to ${to}: add fx.${from}_${to} (or fx.${to}_${from}) to the hub config`);
}

/** `numerator / denominator` rounded to an integer; denominator > 0. */
export function divideRounded(numerator: bigint, denominator: bigint, rounding: MicrosRounding): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / denominator;
  const remainder = magnitude % denominator;
  if (remainder !== 0n) {
    // half-up rounds the magnitude (away from zero on exact halves); ceil rounds towards +inf.
    const up = rounding === 'ceil' ? !negative : remainder * 2n >= denominator;
    if (up) quotient += 1n;
  }
  return negative ? -quotient : quotient;
}

/** Turns a BigInt micro amount back into a number, refusing amounts beyond 2^53. */
export function toSafeMicros(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new HubError('internal_error', `${what} is ${value} micro-units, beyond the exact integer range; check the price and token counts`);
  }
  return Number(value);
}

/**
 * Converts an integer micro amount from one currency to another with exact rational
 * arithmetic and one rounding step (default `half-up`). Same currency returns the amount
 * unchanged. Throws `internal_error` when the table has no rate for the pair.
 */
export function convertMicros(amount: number, from: Currency, to: Currency, fx: FxTable, rounding: MicrosRounding = 'half-up'): number {
  if (!Number.isSafeInteger(amount)) {
    throw new HubError('internal_error', `convertMicros: amount must be an integer number of micro-units, got ${amount}`);
  }
  if (from === to) return amount;
  const rate = rateFor(from, to, fx);
  return toSafeMicros(divideRounded(BigInt(amount) * rate.num, rate.den, rounding), `${from}→${to} conversion`);
}

/** `convertMicros` for a Money value. */
export function convertMoney(amount: Money, to: Currency, fx: FxTable, rounding: MicrosRounding = 'half-up'): Money {
  return { micros: convertMicros(amount.micros, amount.currency, to, fx, rounding), currency: to };
}
