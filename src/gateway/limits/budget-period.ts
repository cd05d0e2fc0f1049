/**
 * Calendar budget periods in an IANA time zone, computed with Intl only (no date library).
 *
 * A `day` runs from local midnight to the next local midnight, a `month` from local midnight
 * of the 1st to local midnight of the next 1st, `total` from the epoch to forever. Bounds are
 * UTC epoch ms, start inclusive, end exclusive. Zones with daylight saving are handled (a
 * local day may be 23 or 25 hours; a midnight skipped by a DST jump starts at the first
 * existing instant after it).
 */
import { HubError } from '../../core/errors.js';

export type BudgetPeriod = 'day' | 'month' | 'total';

export const DEFAULT_BUDGET_TIME_ZONE = 'Asia/Shanghai';

export interface PeriodWindow {
  period: BudgetPeriod;
  /** Inclusive UTC epoch ms; 0 for `total`. */
  start: number;
  /** Exclusive UTC epoch ms; `Infinity` for `total`. */
  end: number;
  /** Human key in local time: `day:2026-01-15`, `month:2026-01`, `total`. */
  key: string;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new HubError('invalid_request', `unknown time zone '${timeZone}': use an IANA name such as Asia/Shanghai or UTC`, { param: 'timeZone', cause });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws `invalid_request` unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

function localParts(epochMs: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Local wall-clock time minus UTC at `epochMs`, in ms (Asia/Shanghai: +8 h). */
function offsetAt(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/** UTC epoch of local midnight starting the given local date (month/day may overflow). */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  let guess = wall - offsetAt(wall, timeZone);
  // Re-evaluate the offset at the guess: converges in one more step, also across DST changes.
  guess = wall - offsetAt(guess, timeZone);
  const p = localParts(guess, timeZone);
  const landed = Date.UTC(p.year, p.month - 1, p.day);
  // A DST jump skipped midnight and we landed on the previous local day: step to the next hour.
  if (landed < wall) guess += 3_600_000 - ((p.minute * 60 + p.second) * 1000);
  return guess;
}

/** The period of kind `period` containing the instant `at`, in `timeZone`. */
export function periodWindow(period: BudgetPeriod, at: number, timeZone: string = DEFAULT_BUDGET_TIME_ZONE): PeriodWindow {
  if (period === 'total') return { period, start: 0, end: Number.POSITIVE_INFINITY, key: 'total' };
  const p = localParts(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (period === 'day') {
    return {
      period,
      start: localMidnight(p.year, p.month, p.day, timeZone),
      end: localMidnight(p.year, p.month, p.day + 1, timeZone),
      key: `day:${p.year}-${pad(p.month)}-${pad(p.day)}`,
    };
  }
  return {
    period,
    start: localMidnight(p.year, p.month, 1, timeZone),
    end: localMidnight(p.year, p.month + 1, 1, timeZone),
    key: `month:${p.year}-${pad(p.month)}`,
  };
}
