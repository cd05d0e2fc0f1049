/** Metrics of a run, per-seed aggregation, the hub's gates and its dominance over baselines. */
import type { BizLevel } from '../../src/core/domain.js';
import type { RunRecord } from './sim-run.js';

export interface SeedMetrics {
  seed: number;
  success: number;
  successPremium: number;
  successNormal: number;
  successEconomy: number;
  tasr: number;
  costPerSuccess: number;
  p50: number;
  p99: number;
  p99Clean: number | null;
  p99Inflation: number | null;
  premiumTierShare: number;
  capabilityViolations: number;
  budgetOverruns: number;
  canaryShare: number | null;
  rollbackS: number | null;
  cleanRollbackS: number | null;
  attemptsPerRequest: number;
  utility: number;
}

export type MetricName = Exclude<keyof SeedMetrics, 'seed'>;

const VALUE: Record<BizLevel, number> = { premium: 0.05, normal: 0.01, economy: 0.002 };

/** Metrics of the (fault) run `rec`, with the clean run of the same strategy when there is one. */
export function runMetrics(seed: number, rec: RunRecord, clean: RunRecord | undefined, onsetMs: number | undefined): SeedMetrics {
  const n = rec.requests.length;
  const perLevel = { premium: [0, 0], normal: [0, 0], economy: [0, 0] } as Record<BizLevel, [number, number]>;
  let successes = 0;
  let tasr = 0;
  let value = 0;
  let premiumOnPremium = 0;
  const latencies: number[] = [];
  rec.requests.forEach((r, i) => {
    perLevel[r.level][1]++;
    const s = rec.served[i];
    if (!s) return;
    successes++;
    perLevel[r.level][0]++;
    latencies.push(s.latencyMs);
    const below = r.level === 'premium' && s.tier !== 'premium';
    if (r.level === 'premium' && !below) premiumOnPremium++;
    tasr += below ? 0.5 : 1;
    value += VALUE[r.level] * (below ? 0.5 : 1);
  });
  const p99 = percentile(latencies, 0.99);
  const p99Clean = clean ? percentile(clean.served.filter((s) => s !== undefined).map((s) => s.latencyMs), 0.99) : null;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  return {
    seed,
    success: ratio(successes, n),
    successPremium: ratio(...perLevel.premium),
    successNormal: ratio(...perLevel.normal),
    successEconomy: ratio(...perLevel.economy),
    tasr: ratio(tasr, n),
    costPerSuccess: ratio(rec.billed, successes),
    p50: percentile(latencies, 0.5),
    p99,
    p99Clean,
    p99Inflation: p99Clean ? p99 / p99Clean : null,
    premiumTierShare: ratio(premiumOnPremium, perLevel.premium[0]),
    capabilityViolations: rec.capabilityViolations,
    budgetOverruns: rec.budgetOverruns,
    canaryShare: rec.aliasAttemptsBeforeOnset > 0 ? rec.canaryAttemptsBeforeOnset / rec.aliasAttemptsBeforeOnset : null,
    rollbackS: rec.rollbackAt === undefined ? null : (rec.rollbackAt - (onsetMs ?? 0)) / 1000,
    cleanRollbackS: clean?.rollbackAt === undefined ? null : clean.rollbackAt / 1000,
    attemptsPerRequest: ratio(rec.attempts, n),
    utility: value - rec.billed,
  };
}

/** Nearest-rank percentile. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export function aggregate(perSeed: SeedMetrics[], how: 'mean' | 'min'): Record<MetricName, number | null> {
  const out = {} as Record<MetricName, number | null>;
  const keys = Object.keys(perSeed[0] ?? {}).filter((k) => k !== 'seed') as MetricName[];
  for (const k of keys) {
    const vals = perSeed.map((m) => m[k]).filter((v): v is number => v !== null);
    out[k] = vals.length === 0 ? null : how === 'mean' ? vals.reduce((a, b) => a + b, 0) / vals.length : Math.min(...vals);
  }
  return out;
}

export interface Check {
  pass: boolean;
  /** The hub's value per seed (or the mean for floors), for the report. */
  values: (number | null)[];
  rule: string;
}

export interface GateOptions {
  clean: boolean;
  canaryWeight: number | undefined;
  hasRegression: boolean;
}

/** The hub's gates (every seed) and floors (means). */
export function evaluateGates(hub: SeedMetrics[], opts: GateOptions): Record<string, Check> {
  const every = (rule: string, f: (m: SeedMetrics) => number | null, ok: (v: number | null) => boolean): Check => {
    const values = hub.map(f);
    return { pass: values.every(ok), values, rule };
  };
  const mean = aggregate(hub, 'mean');
  const floor = (rule: string, v: number | null, ok: (v: number) => boolean): Check => ({ pass: v !== null && ok(v), values: [v], rule });
  const gates: Record<string, Check> = {
    capabilityViolations: every('= 0 on every seed', (m) => m.capabilityViolations, (v) => v === 0),
    budgetOverruns: every('= 0 on every seed', (m) => m.budgetOverruns, (v) => v === 0),
    premiumTierShare: every('≥ 0.85 on every seed', (m) => m.premiumTierShare, (v) => v !== null && v >= 0.85),
  };
  if (opts.canaryWeight !== undefined) {
    const w = opts.canaryWeight;
    gates.canaryShare = every(`within ${w} ± 0.05 on every seed`, (m) => m.canaryShare, (v) => v !== null && Math.abs(v - w) <= 0.05 + 1e-12);
  }
  if (!opts.clean && opts.hasRegression) {
    gates.rollback = every('0 ≤ rollbackS ≤ 20 on every seed', (m) => m.rollbackS, (v) => v !== null && v >= 0 && v <= 20);
  }
  gates.noRollbackClean = every('no rollback in the clean run', (m) => (opts.clean ? m.rollbackS : m.cleanRollbackS), (v) => v === null);
  gates.successMean = floor('mean ≥ 0.95', mean.success, (v) => v >= 0.95);
  gates.premiumSuccessMean = floor('mean ≥ 0.995', mean.successPremium, (v) => v >= 0.995);
  if (!opts.clean) gates.p99InflationMean = floor('mean ≤ 1.2', mean.p99Inflation, (v) => v <= 1.2);
  return gates;
}

/** Dominance of the hub over one baseline, on every seed. */
export function evaluateDominance(hub: SeedMetrics[], base: SeedMetrics[], clean: boolean): Record<string, Check> {
  const per = (rule: string, f: (h: SeedMetrics, b: SeedMetrics) => number | null, ok: (v: number | null) => boolean): Check => {
    const values = hub.map((h, i) => f(h, base[i] as SeedMetrics));
    return { pass: values.every(ok), values, rule };
  };
  const out: Record<string, Check> = {
    utility: per('hub utility > 1.10 × baseline (value: hub − 1.10 × baseline)', (h, b) => h.utility - 1.1 * b.utility, (v) => v !== null && v > 0),
    tasr: per('hub tasr > baseline + 1 pp (value: difference in pp)', (h, b) => (h.tasr - b.tasr) * 100, (v) => v !== null && v > 1),
  };
  if (!clean) {
    out.p99Inflation = per('hub p99Inflation < baseline (value: baseline − hub)', (h, b) => (h.p99Inflation === null || b.p99Inflation === null ? null : b.p99Inflation - h.p99Inflation), (v) => v !== null && v > 0);
  }
  return out;
}
