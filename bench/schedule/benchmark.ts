/**
 * The scheduling-quality benchmark as a function: every strategy replays the same trace per
 * seed, with faults and (unless `clean`) again without, and the hub is judged against the gates.
 */
import type { SchedulerConfigInput } from '../../src/gateway/scheduler/index.js';
import { aggregate, type Check, evaluateDominance, evaluateGates, type MetricName, runMetrics, type SeedMetrics } from './metrics.js';
import type { Scenario } from './scenario.js';
import { BASELINES, createBaseline } from './sim-baselines.js';
import { HubStrategy } from './sim-hub.js';
import { regressionOnsetMs, simulate, type StrategyFactory } from './sim-run.js';
import { generateTrace } from './sim-trace.js';
import { tenantBudgets } from './sim-world.js';

export const STRATEGIES = ['hub', ...BASELINES] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export interface StrategyResult {
  perSeed: SeedMetrics[];
  mean: Record<MetricName, number | null>;
  min: Record<MetricName, number | null>;
}

export interface BenchmarkResult {
  scenario: string;
  seeds: number[];
  clean: boolean;
  strategies: Record<string, StrategyResult>;
  gates: Record<string, Check>;
  gatesPass: boolean;
  dominance: Record<string, Record<string, Check>>;
  dominancePass: boolean;
}

export interface BenchmarkOptions {
  seeds?: number[];
  clean?: boolean;
  strategies?: readonly StrategyName[];
  /** Scheduler configuration of the hub (defaults otherwise). */
  hubConfig?: SchedulerConfigInput;
}

export function factoryFor(name: StrategyName, hubConfig?: SchedulerConfigInput): StrategyFactory {
  return name === 'hub' ? (env) => new HubStrategy(env, hubConfig) : (env) => createBaseline(name, env);
}

export function runBenchmark(scenario: Scenario, options: BenchmarkOptions = {}): BenchmarkResult {
  const seeds = options.seeds ?? scenario.seeds;
  const clean = options.clean ?? false;
  const names = options.strategies ?? STRATEGIES;
  const onset = regressionOnsetMs(scenario);
  const perSeed = new Map<string, SeedMetrics[]>(names.map((n) => [n, []]));
  for (const seed of seeds) {
    const trace = generateTrace(scenario, seed);
    const budgets = tenantBudgets(scenario, trace);
    for (const name of names) {
      const factory = factoryFor(name, options.hubConfig);
      const cleanRun = simulate(scenario, trace, budgets, seed, false, factory);
      const metrics = clean ? runMetrics(seed, cleanRun, undefined, undefined) : runMetrics(seed, simulate(scenario, trace, budgets, seed, true, factory), cleanRun, onset);
      perSeed.get(name)?.push(metrics);
    }
  }
  const strategies: Record<string, StrategyResult> = {};
  for (const [name, list] of perSeed) strategies[name] = { perSeed: list, mean: aggregate(list, 'mean'), min: aggregate(list, 'min') };
  const hub = strategies.hub?.perSeed ?? [];
  const canary = scenario.deployments.find((d) => d.canaryWeight !== undefined);
  const gates = evaluateGates(hub, { clean, canaryWeight: canary?.canaryWeight, hasRegression: onset !== undefined });
  const dominance: Record<string, Record<string, Check>> = {};
  for (const name of names) {
    if (name !== 'hub' && strategies.hub) dominance[name] = evaluateDominance(hub, strategies[name]?.perSeed ?? [], clean);
  }
  return {
    scenario: scenario.name,
    seeds,
    clean,
    strategies,
    gates,
    gatesPass: Object.values(gates).every((g) => g.pass),
    dominance,
    dominancePass: Object.values(dominance).every((d) => Object.values(d).every((c) => c.pass)),
  };
}
