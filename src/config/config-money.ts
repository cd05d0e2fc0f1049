/**
 * Exact conversion between decimal prices (per 1M tokens, as written in config) and integer
 * micro-units. Parses the decimal text — no floating-point multiplication — and refuses more
 * than 6 decimals rather than rounding money.
 */

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** Plain decimal text of a JS number (no exponent); `1e-7` → `0.0000001`. */
function numberToPlainText(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

export type MicrosResult = { ok: true; micros: number } | { ok: false; message: string };

/** `2.5` or `"2.50"` → 2_500_000. Accepts non-negative decimals with at most 6 fraction digits. */
export function decimalToMicros(value: number | string): MicrosResult {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? numberToPlainText(value) : 'NaN') : value.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) return { ok: false, message: 'expected a non-negative decimal amount such as 2.5' };
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > 6) return { ok: false, message: `expected at most 6 decimals (micro-units), got ${text}` };
  const micros = BigInt(match[1] ?? '0') * 1_000_000n + BigInt(fraction.padEnd(6, '0') || '0');
  if (micros > MAX) return { ok: false, message: 'amount is too large' };
  return { ok: true, micros: Number(micros) };
}

/** 2_500_000 → "2.5"; 1 → "0.000001". */
export function microsToDecimalText(micros: number): string {
  if (!Number.isSafeInteger(micros) || micros < 0) throw new RangeError(`not a non-negative integer micro-amount: ${micros}`);
  const whole = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}
