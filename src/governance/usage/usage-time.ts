/**
 * Calendar arithmetic for usage buckets in an IANA time zone (default Asia/Shanghai), with
 * Intl only. Day and month buckets are answered from hour rollups, which is exact only when
 * every bucket boundary is a whole UTC hour — true for whole-hour-offset zones (China, most
 * of the world); zones like Asia/Kolkata (+05:30) are refused for day/month buckets.
 */
import { HubError } from '../../core/errors.js';
import type { UsageBucketSpec } from '../../core/store.js';

export const DEFAULT_USAGE_TIME_ZONE = 'Asia/Shanghai';
export type UsageBucketUnit = 'none' | 'hour' | 'day' | 'month';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Most buckets a query may ask for (e.g. ~13 months of hours, 27 years of days). */
export const MAX_BUCKETS = 10_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    } catch {
      throw new HubError('invalid_request', `Invalid value at 'tz': "${timeZone}" is not an IANA time zone (e.g. Asia/Shanghai, UTC).`, { param: 'tz' });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws `invalid_request` unless `timeZone` is a known IANA zone. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

interface LocalParts { y: number; m: number; d: number; h: number; mi: number; s: number }

function localParts(t: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(t))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { y: out['year'] ?? 1970, m: out['month'] ?? 1, d: out['day'] ?? 1, h: out['hour'] ?? 0, mi: out['minute'] ?? 0, s: out['second'] ?? 0 };
}

const offsetCache = new Map<string, number>();
const OFFSET_SLICE_MS = 15 * 60_000;

/**
 * Local time minus UTC at instant `t`, in ms. Cached per zone and quarter hour (zone
 * transitions happen on quarter hours), so labelling thousands of buckets stays cheap.
 */
export function offsetAt(t: number, timeZone: string): number {
  const slice = Math.floor(t / OFFSET_SLICE_MS);
  const key = `${timeZone}|${slice}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    const at = slice * OFFSET_SLICE_MS;
    const p = localParts(at, timeZone);
    offset = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - at;
    if (offsetCache.size > 100_000) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return offset;
}

/** The instant of a local wall-clock time (month/day may overflow: Date.UTC normalises). */
export function zonedToUtc(y: number, m: number, d: number, h: number, timeZone: string, mi = 0, s = 0, ms = 0): number {
  const wall = Date.UTC(y, m - 1, d, h, mi, s, ms);
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}

/** Start of the local day or month containing `t`. */
export function startOfLocal(t: number, unit: 'day' | 'month', timeZone: string): number {
  const p = localParts(t, timeZone);
  return zonedToUtc(p.y, p.m, unit === 'day' ? p.d : 1, 0, timeZone);
}

function nextLocal(start: number, unit: 'day' | 'month', timeZone: string): number {
  const p = localParts(start, timeZone);
  return unit === 'day' ? zonedToUtc(p.y, p.m, p.d + 1, 0, timeZone) : zonedToUtc(p.y, p.m + 1, 1, 0, timeZone);
}

/** `2026-11-01T00:00:00+08:00` for instant `t` in `timeZone`. */
export function formatLocal(t: number, timeZone: string): string {
  const offset = offsetAt(t, timeZone);
  const local = new Date(t + offset);
  const off = Math.round(offset / 60_000);
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const ms = local.getUTCMilliseconds();
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${ms !== 0 ? `.${pad(ms, 3)}` : ''}`;
  return `${date}T${time}${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

const ISO = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A time parameter: epoch milliseconds (digits), or ISO 8601 (`2026-11`, `2026-11-01`,
 * `2026-11-01T08:00`, with or without `Z`/`+08:00`). Without an offset it is local time in
 * `timeZone`, so `from=2026-11-01&to=2026-12-01` is exactly November in that zone.
 */
export function parseTimeParam(value: string, param: string, timeZone: string): number {
  const text = value.trim();
  if (/^\d{1,16}$/.test(text)) return Number(text);
  const m = ISO.exec(text);
  if (m === null) throw new HubError('invalid_request', `Invalid value at '${param}': expected epoch milliseconds or ISO 8601 like 2026-11-01 or 2026-11-01T08:00:00+08:00, got "${value.slice(0, 64)}".`, { param });
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => (x === undefined ? undefined : Number(x)));
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  const zone = m[8];
  if ((mo ?? 0) < 1 || (mo ?? 0) > 12 || (d ?? 1) < 1 || (d ?? 1) > 31 || (h ?? 0) > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59) {
    throw new HubError('invalid_request', `Invalid value at '${param}': "${value.slice(0, 64)}" is not a valid date/time.`, { param });
  }
  if (zone === undefined) return zonedToUtc(y as number, mo as number, d ?? 1, h ?? 0, timeZone, mi ?? 0, s ?? 0, ms);
  const offsetMin = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  return Date.UTC(y as number, (mo as number) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0, ms) - offsetMin * 60_000;
}

/** [start, end) of a `YYYY-MM` month in `timeZone`. */
export function monthRange(month: string, timeZone: string): { from: number; to: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const mo = m === null ? 0 : Number(m[2]);
  if (m === null || mo < 1 || mo > 12) throw new HubError('invalid_request', `Invalid value at 'month': expected YYYY-MM like 2026-11, got "${month.slice(0, 32)}".`, { param: 'month' });
  const y = Number(m[1]);
  return { from: zonedToUtc(y, mo, 1, 0, timeZone), to: zonedToUtc(y, mo + 1, 1, 0, timeZone) };
}

/**
 * The bucket spec for [from, to): UTC hours; local days (uniform when every day of the range
 * is 24 h long, else explicit starts); local months (explicit starts).
 */
export function bucketSpecFor(unit: UsageBucketUnit, from: number, to: number, timeZone: string): UsageBucketSpec {
  if (unit === 'none') return { kind: 'none' };
  if (unit === 'hour') {
    if ((to - from) / HOUR_MS > MAX_BUCKETS) throw tooManyBuckets(unit);
    return { kind: 'uniform', originMs: 0, sizeMs: HOUR_MS };
  }
  const starts: number[] = [startOfLocal(from, unit, timeZone)];
  for (let next = nextLocal(starts[0] as number, unit, timeZone); next < to; next = nextLocal(next, unit, timeZone)) {
    if (starts.length >= MAX_BUCKETS) throw tooManyBuckets(unit);
    starts.push(next);
  }
  if (starts.some((s) => s % HOUR_MS !== 0)) {
    throw new HubError('invalid_request', `Time zone ${timeZone} has a day boundary that is not a whole UTC hour, so ${unit} buckets cannot be answered exactly from hour rollups: use bucket=hour or a whole-hour zone (e.g. Asia/Shanghai, UTC).`, { param: 'tz' });
  }
  const uniform = unit === 'day' && starts.every((s, i) => i === 0 || s - (starts[i - 1] as number) === DAY_MS);
  return uniform ? { kind: 'uniform', originMs: starts[0] as number, sizeMs: DAY_MS } : { kind: 'starts', starts };
}

function tooManyBuckets(unit: UsageBucketUnit): HubError {
  return new HubError('invalid_request', `The range has more than ${MAX_BUCKETS} ${unit} buckets: narrow from/to or use a coarser bucket.`, { param: 'bucket' });
}
