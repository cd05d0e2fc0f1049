import { describe, expect, it } from 'vitest';
import { HubError } from '../../src/core/errors.js';
import { assertTimeZone, periodWindow } from '../../src/gateway/limits/budget-period.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('periodWindow', () => {
  it('defaults to Asia/Shanghai: a day is [16:00Z the day before, 16:00Z)', () => {
    const before = periodWindow('day', Date.UTC(2026, 0, 15, 15, 59, 59, 999));
    const after = periodWindow('day', Date.UTC(2026, 0, 15, 16, 0, 0));
    expect([iso(before.start), iso(before.end), before.key]).toEqual(['2026-01-14T16:00:00.000Z', '2026-01-15T16:00:00.000Z', 'day:2026-01-15']);
    expect([iso(after.start), iso(after.end), after.key]).toEqual(['2026-01-15T16:00:00.000Z', '2026-01-16T16:00:00.000Z', 'day:2026-01-16']);
  });

  it('computes months of every length, across the year end and in leap years', () => {
    const cases: Array<[number, string, string, string]> = [
      [Date.UTC(2026, 1, 10), '2026-01-31T16:00:00.000Z', '2026-02-28T16:00:00.000Z', 'month:2026-02'],
      [Date.UTC(2028, 1, 10), '2028-01-31T16:00:00.000Z', '2028-02-29T16:00:00.000Z', 'month:2028-02'],
      [Date.UTC(2026, 11, 31, 15, 59, 59), '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z', 'month:2026-12'],
      [Date.UTC(2026, 11, 31, 16, 0, 0), '2026-12-31T16:00:00.000Z', '2027-01-31T16:00:00.000Z', 'month:2027-01'],
    ];
    for (const [at, start, end, key] of cases) {
      const w = periodWindow('month', at);
      expect([iso(w.start), iso(w.end), w.key]).toEqual([start, end, key]);
    }
  });

  it('handles other zones, including half-hour offsets and daylight saving', () => {
    const kolkata = periodWindow('day', Date.UTC(2026, 0, 15, 12), 'Asia/Kolkata');
    expect(iso(kolkata.start)).toBe('2026-01-14T18:30:00.000Z');
    // New York spring forward: a 23-hour day; fall back: a 25-hour day.
    const spring = periodWindow('day', Date.UTC(2026, 2, 8, 12), 'America/New_York');
    expect(spring.end - spring.start).toBe(23 * 3_600_000);
    const fall = periodWindow('day', Date.UTC(2026, 10, 1, 12), 'America/New_York');
    expect(fall.end - fall.start).toBe(25 * 3_600_000);
    // São Paulo 2018-11-04: midnight did not exist; the day starts at 01:00 local.
    const skipped = periodWindow('day', Date.UTC(2018, 10, 4, 12), 'America/Sao_Paulo');
    expect(iso(skipped.start)).toBe('2018-11-04T03:00:00.000Z');
    const utc = periodWindow('month', Date.UTC(2026, 0, 31, 23, 59, 59), 'UTC');
    expect([iso(utc.start), iso(utc.end)]).toEqual(['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z']);
  });

  it('total spans everything', () => {
    expect(periodWindow('total', Date.now())).toEqual({ period: 'total', start: 0, end: Number.POSITIVE_INFINITY, key: 'total' });
  });

  it('every instant lies in its window and windows tile without gaps', () => {
    let at = Date.UTC(2025, 11, 20);
    for (let i = 0; i < 400; i += 1) {
      const w = periodWindow('day', at);
      expect(w.start).toBeLessThanOrEqual(at);
      expect(w.end).toBeGreaterThan(at);
      expect(periodWindow('day', w.end).start).toBe(w.end);
      at += 3 * 3_600_000 + 17_000;
    }
  });

  it('rejects an unknown time zone with a message that says what to use', () => {
    expect(() => assertTimeZone('Mars/Olympus')).toThrow(HubError);
    expect(() => periodWindow('day', 0, 'Mars/Olympus')).toThrow(/IANA/);
  });
});
