/**
 * The simulated world: deployments with token buckets and faults, the admission guard shared by
 * every strategy, and tenant budgets.
 */
import type { Deployment } from '../../src/core/domain.js';
import { type Fault, PREFERRED_TIER, type Scenario, type ScenarioDeployment, toDeployment } from './scenario.js';
import { nameHash } from './sim-random.js';
import type { TraceRequest } from './sim-trace.js';

export interface SimDeployment {
  index: number;
  spec: ScenarioDeployment;
  deployment: Deployment;
  hash: number;
  faults: Fault[];
  /** Attempts in service (429s are not). */
  inflight: number;
  tokens: number;
  tokensAt: number;
}

export interface ActiveFaults {
  blackholeMs: number | undefined;
  slowdown: number;
  storm: { rps: number; retryAfterMs: number } | undefined;
  errorRate: number;
}

export function createDeployments(scenario: Scenario, withFaults: boolean): SimDeployment[] {
  return scenario.deployments.map((spec, index) => ({
    index,
    spec,
    deployment: toDeployment(spec),
    hash: nameHash(spec.id),
    faults: withFaults ? scenario.faults.filter((f) => f.deployment === spec.id) : [],
    inflight: 0,
    tokens: spec.rpsLimit,
    tokensAt: 0,
  }));
}

export function activeFaults(d: SimDeployment, now: number): ActiveFaults {
  const out: ActiveFaults = { blackholeMs: undefined, slowdown: 1, storm: undefined, errorRate: d.spec.errorRate };
  const s = now / 1000;
  for (const f of d.faults) {
    if (s < f.fromS || (f.toS !== undefined && s >= f.toS)) continue;
    if (f.type === 'blackhole') out.blackholeMs = f.hangMs;
    else if (f.type === 'slowdown') out.slowdown *= f.factor;
    else if (f.type === 'rateLimitStorm') out.storm = { rps: f.rps, retryAfterMs: f.retryAfterS * 1000 };
    else out.errorRate = f.errorRate;
  }
  return out;
}

/** Take one token from the deployment's bucket (rate and size = its rps limit, or the storm's). */
export function takeToken(d: SimDeployment, now: number, stormRps: number | undefined): boolean {
  const rate = stormRps ?? d.spec.rpsLimit;
  d.tokens = Math.min(rate, d.tokens + ((now - d.tokensAt) / 1000) * rate);
  d.tokensAt = now;
  if (d.tokens < 1) return false;
  d.tokens -= 1;
  return true;
}

/** Cost in USD of `input` + `output` tokens on `spec`. */
export function costOf(spec: ScenarioDeployment, input: number, output: number): number {
  return (input * spec.priceInPer1k + output * spec.priceOutPer1k) / 1000;
}

export function worstCase(spec: ScenarioDeployment, r: TraceRequest): number {
  return costOf(spec, r.inputTokens, r.maxTokens);
}

/** The static part of the admission guard: capabilities, context window, request max cost. */
export function fits(spec: ScenarioDeployment, r: TraceRequest): boolean {
  for (const c of r.capabilities) if (!spec.capabilities.includes(c)) return false;
  if (r.inputTokens + r.maxTokens > spec.contextWindow) return false;
  return r.maxCost === undefined || worstCase(spec, r) <= r.maxCost;
}

export class TenantBudget {
  spent = 0;
  reserved = 0;
  constructor(readonly limit: number) {}

  allows(worst: number): boolean {
    return this.spent + this.reserved + worst <= this.limit;
  }

  pressure(): number {
    return this.limit > 0 ? (this.spent + this.reserved) / this.limit : 1;
  }
}

/**
 * Tenant budget = factor × Σ over the tenant's requests of the cost of serving each on the
 * cheapest feasible deployment of its preferred tier (any tier when that tier has none).
 */
export function tenantBudgets(scenario: Scenario, trace: TraceRequest[]): Map<string, number> {
  const sums = new Map<string, number>();
  const factors = scenario.budgets.factorOverCheapestPreferredTier;
  for (const r of trace) {
    const feasible = scenario.deployments.filter((d) => fits(d, r));
    const preferred = feasible.filter((d) => d.tier === PREFERRED_TIER[r.level]);
    const pool = preferred.length > 0 ? preferred : feasible;
    const costs = pool.map((d) => costOf(d, r.inputTokens, r.outputTokens));
    const cheapest = costs.length > 0 ? Math.min(...costs) : 0;
    sums.set(r.tenant, (sums.get(r.tenant) ?? 0) + cheapest * factors[r.level]);
  }
  return sums;
}
