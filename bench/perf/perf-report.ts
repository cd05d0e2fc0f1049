/**
 * Aggregation across rounds (median and range) and the markdown report.
 */
import type { Mode } from './perf-load.js';

/** One measurement of one target, mode and round. Nulls mean "not applicable". */
export interface Sample {
  round: number;
  target: string;
  mode: Mode;
  rps: number;
  failed: number;
  cpuUsPerReq: number | null;
  rssIdleMb: number | null;
  rssLoadMb: number | null;
  c1P50Us: number;
  c1P99Us: number;
  ttfbP50Us: number;
  /** c=1 p50/p99 and first-byte p50 minus direct's, same round and mode. */
  addedP50Us: number | null;
  addedP99Us: number | null;
  addedTtfbUs: number | null;
  /** CPU used by other processes on the machine during the measurement, % of all cores. */
  foreignCpuPct: number;
}

/** The slow-streams memory test of one target and round, in a fresh process (perf-slow.ts). MB unless said. */
export interface SlowSample {
  round: number;
  target: string;
  /** Streams that delivered their first event. */
  open: number;
  /** Streams still open when memory was sampled (the divisor of kbPerStream). */
  liveAtPeak: number;
  failed: number;
  /** ms until every stream delivered its first event. */
  openMs: number;
  /** Max VmRSS while the streams were open (the number the target is about). */
  rssMb: number | null;
  /** VmRSS the moment every stream had delivered its first event. */
  rssAtOpenMb: number | null;
  /** VmRSS of the same fresh process after warm-up, before the streams. */
  rssIdleMb: number | null;
  /** (rssMb − rssIdleMb) / liveAtPeak, KB. */
  kbPerStream: number | null;
  rssAnonIdleMb: number | null;
  rssAnonMb: number | null;
  /** V8 heap used / reserved, idle and with the streams open (no GC forced: includes garbage). */
  heapUsedIdleMb: number | null;
  heapUsedMb: number | null;
  heapTotalIdleMb: number | null;
  heapTotalMb: number | null;
  /** Young generation reserved with the streams open. */
  newSpaceMb: number | null;
  /** Memory outside the V8 heap held by JS objects (Buffers). */
  externalIdleMb: number | null;
  externalMb: number | null;
}

export type SlowMetric = Exclude<keyof SlowSample, 'round' | 'target'>;
const SLOW_METRICS: SlowMetric[] = [
  'open', 'liveAtPeak', 'failed', 'openMs', 'rssMb', 'rssAtOpenMb', 'rssIdleMb', 'kbPerStream', 'rssAnonIdleMb', 'rssAnonMb',
  'heapUsedIdleMb', 'heapUsedMb', 'heapTotalIdleMb', 'heapTotalMb', 'newSpaceMb', 'externalIdleMb', 'externalMb',
];
export type SlowSummary = Record<string, Partial<Record<SlowMetric, Stat | null>>>;

export function summariseSlow(samples: SlowSample[], targets: string[]): SlowSummary {
  const out: SlowSummary = {};
  for (const t of targets) {
    const rows = samples.filter((s) => s.target === t);
    if (rows.length === 0) continue;
    const m: Partial<Record<SlowMetric, Stat | null>> = {};
    for (const k of SLOW_METRICS) m[k] = stat(rows.map((r) => r[k]));
    out[t] = m;
  }
  return out;
}

export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function stat(values: Array<number | null>): Stat | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
  return { median, min: v[0] as number, max: v[v.length - 1] as number, n: v.length };
}

export type Metric = Exclude<keyof Sample, 'round' | 'target' | 'mode'>;
export type Summary = Record<string, Record<Mode, Partial<Record<Metric, Stat | null>>>>;

const METRICS: Metric[] = [
  'rps', 'failed', 'cpuUsPerReq', 'rssIdleMb', 'rssLoadMb', 'c1P50Us', 'c1P99Us', 'ttfbP50Us',
  'addedP50Us', 'addedP99Us', 'addedTtfbUs', 'foreignCpuPct',
];

export function summarise(samples: Sample[], targets: string[]): Summary {
  const out: Summary = {};
  for (const t of targets) {
    const byMode = {} as Record<Mode, Partial<Record<Metric, Stat | null>>>;
    for (const mode of ['json', 'stream'] as Mode[]) {
      const rows = samples.filter((s) => s.target === t && s.mode === mode);
      const m: Partial<Record<Metric, Stat | null>> = {};
      for (const k of METRICS) m[k] = stat(rows.map((r) => r[k]));
      byMode[mode] = m;
    }
    out[t] = byMode;
  }
  return out;
}

function fmt(s: Stat | null | undefined, digits = 0): string {
  if (!s) return '–';
  const f = (x: number): string => x.toFixed(digits);
  return s.n > 1 && s.min !== s.max ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median);
}

export function markdownTable(summary: Summary, slow: Record<string, Stat | null>, targets: string[]): string {
  const head =
    '| target | mode | RPS @c=32 | gateway CPU µs/req | added p50 µs @c=1 | added p99 µs @c=1 | added first byte µs | RSS idle MB | RSS load MB | RSS 1,000 slow streams MB (fresh process) |\n' +
    '|---|---|---|---|---|---|---|---|---|---|';
  const rows: string[] = [];
  for (const t of targets) {
    for (const mode of ['json', 'stream'] as Mode[]) {
      const m = summary[t]?.[mode];
      if (!m) continue;
      rows.push(
        `| ${t} | ${mode} | ${fmt(m.rps)} | ${fmt(m.cpuUsPerReq)} | ${fmt(m.addedP50Us)} | ${fmt(m.addedP99Us)} | ` +
          `${mode === 'stream' ? fmt(m.addedTtfbUs) : '–'} | ${fmt(m.rssIdleMb)} | ${fmt(m.rssLoadMb)} | ` +
          `${mode === 'stream' ? fmt(slow[t]) : ''} |`,
      );
    }
  }
  return [head, ...rows].join('\n');
}

/** The slow-streams memory test per target (medians and ranges over rounds). */
export function markdownSlow(slow: SlowSummary, n: number): string {
  const head =
    `| target | RSS idle MB | RSS ${n.toLocaleString('en-US')} streams MB | KB/stream (RSS) | RssAnon idle → open MB | ` +
    'heap used idle → open MB | heap total idle → open MB | external idle → open MB | open after ms | open when sampled |\n' +
    '|---|---|---|---|---|---|---|---|---|---|';
  const rows = Object.entries(slow).map(
    ([t, m]) =>
      `| ${t} | ${fmt(m.rssIdleMb)} | ${fmt(m.rssMb)} | ${fmt(m.kbPerStream)} | ${fmt(m.rssAnonIdleMb)} → ${fmt(m.rssAnonMb)} | ` +
      `${fmt(m.heapUsedIdleMb)} → ${fmt(m.heapUsedMb)} | ${fmt(m.heapTotalIdleMb)} → ${fmt(m.heapTotalMb)} | ` +
      `${fmt(m.externalIdleMb, 1)} → ${fmt(m.externalMb, 1)} | ${fmt(m.openMs)} | ${fmt(m.liveAtPeak)} |`,
  );
  return [head, ...rows].join('\n');
}

export interface Ratio {
  name: string;
  mode: Mode;
  value: number | null;
  target: string;
  met: boolean | null;
}

function ratio(a: Stat | null | undefined, b: Stat | null | undefined): number | null {
  return a && b && b.median > 0 ? a.median / b.median : null;
}

/** The targets, evaluated on medians. */
export function evaluateTargets(summary: Summary, slow: Record<string, Stat | null>): Ratio[] {
  const out: Ratio[] = [];
  for (const mode of ['json', 'stream'] as Mode[]) {
    const hub = summary['hub-full']?.[mode];
    const floor = summary.floor?.[mode];
    const peer = summary.peer?.[mode];
    const cpu = ratio(hub?.cpuUsPerReq, floor?.cpuUsPerReq);
    out.push({ name: 'hub-full CPU/req ÷ floor CPU/req', mode, value: cpu, target: '≤ 1.5 (stretch 1.3)', met: cpu === null ? null : cpu <= 1.5 });
    const rps = ratio(hub?.rps, peer?.rps);
    out.push({ name: 'hub-full RPS ÷ peer RPS', mode, value: rps, target: '≥ 8', met: rps === null ? null : rps >= 8 });
    const p50 = hub?.addedP50Us?.median ?? null;
    out.push({ name: 'hub-full added p50 latency µs @c=1', mode, value: p50, target: '≤ 500', met: p50 === null ? null : p50 <= 500 });
    if (mode === 'stream') {
      const fb = hub?.addedTtfbUs?.median ?? null;
      out.push({ name: 'hub-full added first byte µs', mode, value: fb, target: '≤ 500', met: fb === null ? null : fb <= 500 });
    }
  }
  out.push(slowRatio(slow));
  return out;
}

/** The memory target: hub-full RSS with 1,000 slow streams (fresh process), median. */
export function slowRatio(slow: Record<string, Stat | null>): Ratio {
  const rss = slow['hub-full']?.median ?? null;
  return { name: 'hub-full RSS with 1,000 slow streams MB', mode: 'stream', value: rss, target: '< 300', met: rss === null ? null : rss < 300 };
}

/** CPU µs per request added by each layer (medians): floor, hub core, governance; and the peer. */
export function markdownLayers(summary: Summary): string {
  const cpu = (t: string, m: Mode): number | null => summary[t]?.[m]?.cpuUsPerReq?.median ?? null;
  const diff = (a: number | null, b: number | null): string => (a === null || b === null ? '–' : (a - b).toFixed(0));
  const val = (a: number | null): string => (a === null ? '–' : a.toFixed(0));
  const rows = (['json', 'stream'] as Mode[]).map(
    (m) =>
      `| ${m} | ${val(cpu('floor', m))} | ${diff(cpu('hub-minimal', m), cpu('floor', m))} | ` +
      `${diff(cpu('hub-full', m), cpu('hub-minimal', m))} | ${val(cpu('hub-full', m))} | ${val(cpu('peer', m))} |`,
  );
  return [
    '| mode | floor (HTTP in + out, JSON parse) µs | hub core (hub-minimal − floor) µs | governance (hub-full − hub-minimal) µs | hub-full total µs | peer total µs |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export function markdownRatios(ratios: Ratio[]): string {
  const rows = ratios.map(
    (r) =>
      `| ${r.name} | ${r.mode} | ${r.value === null ? '–' : r.value.toFixed(2)} | ${r.target} | ${r.met === null ? 'n/a' : r.met ? 'met' : 'MISSED'} |`,
  );
  return ['| ratio | mode | value | target | |', '|---|---|---|---|---|', ...rows].join('\n');
}
