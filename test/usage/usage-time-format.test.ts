/** Pure helpers: time parameters, zone buckets, decimal money and CSV cells. */
import { describe, expect, it } from 'vitest';
import { bucketSpecFor, csvCell, formatLocal, formatMicros, monthRange, parseTimeParam, toCsv } from '../../src/governance/usage/index.js';
import { parseCsv } from './usage-harness.js';

const SH = 'Asia/Shanghai';

describe('usage time helpers', () => {
  it('parses epoch ms, zoned ISO and offset-less ISO as local time in the zone', () => {
    expect(parseTimeParam('1790000000000', 'from', SH)).toBe(1_790_000_000_000);
    expect(parseTimeParam('2026-11-01', 'from', SH)).toBe(Date.UTC(2026, 9, 31, 16));
    expect(parseTimeParam('2026-11', 'from', SH)).toBe(Date.UTC(2026, 9, 31, 16));
    expect(parseTimeParam('2026-11-01T08:30', 'from', SH)).toBe(Date.UTC(2026, 10, 1, 0, 30));
    expect(parseTimeParam('2026-11-01T00:00:00Z', 'from', SH)).toBe(Date.UTC(2026, 10, 1));
    expect(parseTimeParam('2026-11-01T00:00:00.5+08:00', 'from', SH)).toBe(Date.UTC(2026, 9, 31, 16) + 500);
    expect(parseTimeParam('2026-11-01', 'from', 'UTC')).toBe(Date.UTC(2026, 10, 1));
    for (const bad of ['tomorrow', '2026-13-01', '2026-11-01T25:00', '']) expect(() => parseTimeParam(bad, 'from', SH)).toThrow(/Invalid value at 'from'/);
  });

  it('formats local times with the offset, and month ranges in DST zones', () => {
    expect(formatLocal(Date.UTC(2026, 9, 31, 16), SH)).toBe('2026-11-01T00:00:00+08:00');
    expect(formatLocal(Date.UTC(2026, 9, 31, 16, 0, 0, 7), 'UTC')).toBe('2026-10-31T16:00:00.007+00:00');
    expect(monthRange('2026-11', SH)).toEqual({ from: Date.UTC(2026, 9, 31, 16), to: Date.UTC(2026, 10, 30, 16) });
    // New York: EDT (-4) until 1 Nov 2026, then EST (-5).
    expect(monthRange('2026-11', 'America/New_York')).toEqual({ from: Date.UTC(2026, 10, 1, 4), to: Date.UTC(2026, 11, 1, 5) });
  });

  it('chooses uniform day buckets for fixed-offset zones and explicit starts across DST', () => {
    const from = Date.UTC(2026, 9, 31, 16);
    expect(bucketSpecFor('day', from, from + 3 * 86_400_000, SH)).toEqual({ kind: 'uniform', originMs: from, sizeMs: 86_400_000 });
    expect(bucketSpecFor('hour', from, from + 5, SH)).toEqual({ kind: 'uniform', originMs: 0, sizeMs: 3_600_000 });
    const ny = bucketSpecFor('day', Date.UTC(2026, 9, 31, 4), Date.UTC(2026, 10, 3, 5), 'America/New_York');
    expect(ny).toEqual({ kind: 'starts', starts: [Date.UTC(2026, 9, 31, 4), Date.UTC(2026, 10, 1, 4), Date.UTC(2026, 10, 2, 5)] });
    expect(bucketSpecFor('month', from, from + 40 * 86_400_000, SH)).toEqual({ kind: 'starts', starts: [from, Date.UTC(2026, 10, 30, 16)] });
    expect(() => bucketSpecFor('day', from, from + 86_400_000, 'Asia/Kolkata')).toThrow(/whole UTC hour/);
    expect(() => bucketSpecFor('hour', 0, 20_000 * 3_600_000, SH)).toThrow(/more than/);
  });
});

describe('usage formatting', () => {
  it('writes micro-units as exact decimals', () => {
    expect(formatMicros(0)).toBe('0.000000');
    expect(formatMicros(5)).toBe('0.000005');
    expect(formatMicros(1_234_567)).toBe('1.234567');
    expect(formatMicros(-1_000_001)).toBe('-1.000001');
    expect(formatMicros(9_007_199_254_740_991)).toBe('9007199254.740991');
  });

  it('escapes CSV cells and guards formulas; the parser reads back every value', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(null)).toBe('');
    const values = ['a,b', 'say "hi"', 'x\r\ny', '张三', ''];
    expect(parseCsv(toCsv(['h1', 'h2', 'h3', 'h4', 'h5'], [values]))).toEqual([['h1', 'h2', 'h3', 'h4', 'h5'], values]);
  });
});
