/**
 * One simulation run: a strategy serves the trace on a virtual clock (event heap keyed by time,
 * sequence). Provider behaviour follows ../shared/scheduling/README.md "Simulation rules".
 */
import type { Scenario } from './scenario.js';
import { crn, nameHash, normal } from './sim-random.js';
import type { SimFeedback, Strategy, StrategyEnv } from './sim-strategy.js';
import type { TraceRequest } from './sim-trace.js';
import { activeFaults, costOf, createDeployments, fits, type SimDeployment, takeToken, TenantBudget, worstCase } from './sim-world.js';

const SALT_LAT_1 = 1;
const SALT_LAT_2 = 2;
const SALT_ERR = 3;
const SALT_COHORT = 4;
const THROTTLE_AFTER_MS = 30;

interface RequestState {
  r: TraceRequest;
  deadline: number;
  tried: string[];
  attempts: number;
  /** alias → canary id of the user's cohort, or null for stable (baselines only). */
  cohort: Map<string, string | null>;
}

interface Attempt {
  rs: RequestState;
  d: SimDeployment;
  id: string;
  start: number;
  reserved: number;
  inService: boolean;
  fb: SimFeedback;
}

interface SimEvent {
  time: number;
  seq: number;
  kind: 'arrive' | 'first-byte' | 'end';
  rs?: RequestState;
  att?: Attempt;
}

/** Everything the metrics need from one run. */
export interface RunRecord {
  requests: TraceRequest[];
  /** Per request: served deployment tier or undefined, end-to-end latency of a success. */
  served: ({ tier: string; latencyMs: number } | undefined)[];
  attempts: number;
  billed: number;
  capabilityViolations: number;
  budgetOverruns: number;
  aliasAttemptsBeforeOnset: number;
  canaryAttemptsBeforeOnset: number;
  rollbackAt: number | undefined;
}

export type StrategyFactory = (env: StrategyEnv) => Strategy;

export function regressionOnsetMs(scenario: Scenario): number | undefined {
  const canaries = new Set(scenario.deployments.filter((d) => d.canaryWeight !== undefined).map((d) => d.id));
  const starts = scenario.faults.filter((f) => canaries.has(f.deployment) && (f.type === 'errorRate' || f.type === 'slowdown')).map((f) => f.fromS * 1000);
  return starts.length > 0 ? Math.min(...starts) : undefined;
}

export function simulate(scenario: Scenario, trace: TraceRequest[], budgets: Map<string, number>, seed: number, withFaults: boolean, factory: StrategyFactory): RunRecord {
  const deployments = createDeployments(scenario, withFaults);
  const tenants = new Map([...budgets].map(([t, limit]) => [t, new TenantBudget(limit)]));
  const heap: SimEvent[] = [];
  let seq = 0;
  let now = 0;
  const strategy = factory({ seed, deployments, now: () => now });
  const onset = withFaults ? regressionOnsetMs(scenario) : undefined;
  const aliases = canaryAliases(deployments);
  const rec: RunRecord = {
    requests: trace,
    served: new Array(trace.length).fill(undefined),
    attempts: 0,
    billed: 0,
    capabilityViolations: 0,
    budgetOverruns: 0,
    aliasAttemptsBeforeOnset: 0,
    canaryAttemptsBeforeOnset: 0,
    rollbackAt: undefined,
  };
  const { attemptTimeoutMs, deadlineMs, maxAttempts } = scenario.limits;

  const push = (e: Omit<SimEvent, 'seq'>) => heapPush(heap, { ...e, seq: seq++ });

  function cohortOf(r: TraceRequest): Map<string, string | null> {
    const cohort = new Map<string, string | null>();
    if (strategy.ownsGrayRelease) return cohort;
    for (const [alias, canaries] of aliases) {
      const u = crn(seed, r.user, 0, nameHash(alias), SALT_COHORT);
      let edge = 0;
      let pick: string | null = null;
      for (const c of canaries) {
        edge += c.spec.canaryWeight ?? 0;
        if (u < edge) {
          pick = c.spec.id;
          break;
        }
      }
      cohort.set(alias, pick);
    }
    return cohort;
  }

  function inCohort(rs: RequestState, d: SimDeployment): boolean {
    const alias = d.spec.alias;
    if (alias === undefined || !rs.cohort.has(alias)) return true;
    const canary = rs.cohort.get(alias);
    return d.spec.canaryWeight !== undefined ? canary === d.spec.id : canary === null;
  }

  function dispatchNext(rs: RequestState): void {
    const r = rs.r;
    const tenant = tenants.get(r.tenant) as TenantBudget;
    const gate = {
      allows: (dep: { id: string }) => {
        const d = deployments.find((x) => x.spec.id === dep.id);
        return d !== undefined && tenant.allows(worstCase(d.spec, r));
      },
      pressure: () => tenant.pressure(),
      // The run is the budget's period.
      periodElapsed: () => now / (scenario.durationS * 1000),
    };
    while (rs.attempts < maxAttempts && now < rs.deadline) {
      const eligible = deployments.filter((d) => !rs.tried.includes(d.spec.id) && fits(d.spec, r) && tenant.allows(worstCase(d.spec, r)) && inCohort(rs, d));
      const d = strategy.choose({ req: r, attempt: rs.attempts, tried: rs.tried, eligible, gate, now });
      if (!d) return;
      rs.tried.push(d.spec.id);
      if (!fits(d.spec, r) || !tenant.allows(worstCase(d.spec, r))) {
        // The shared guard refuses the strategy's choice: nothing is sent.
        if (!r.capabilities.every((c) => d.spec.capabilities.includes(c))) rec.capabilityViolations++;
        continue;
      }
      startAttempt(rs, d, tenant);
      return;
    }
  }

  function startAttempt(rs: RequestState, d: SimDeployment, tenant: TenantBudget): void {
    const r = rs.r;
    const n = rs.attempts++;
    rec.attempts++;
    if (d.spec.alias !== undefined && aliases.has(d.spec.alias) && (onset === undefined || now < onset)) {
      rec.aliasAttemptsBeforeOnset++;
      if (d.spec.canaryWeight !== undefined) rec.canaryAttemptsBeforeOnset++;
    }
    const reserved = worstCase(d.spec, r);
    tenant.reserved += reserved;
    const att: Attempt = { rs, d, id: `${r.id}:${n}`, start: now, reserved, inService: false, fb: { result: 'ok', latencyMs: 0 } };
    strategy.started(d, att.id, now);
    const f = activeFaults(d, now);
    if (d.inflight >= d.spec.maxConcurrency || !takeToken(d, now, f.storm?.rps)) {
      att.fb = { result: 'throttled', latencyMs: THROTTLE_AFTER_MS, retryAfterMs: now + THROTTLE_AFTER_MS + (f.storm?.retryAfterMs ?? 1000) };
      push({ time: now + THROTTLE_AFTER_MS, kind: 'end', att });
      return;
    }
    const load = d.inflight / d.spec.maxConcurrency;
    d.inflight++;
    att.inService = true;
    const timeout = Math.min(attemptTimeoutMs, rs.deadline - now);
    if (f.blackholeMs !== undefined) {
      const hang = Math.min(f.blackholeMs, timeout);
      att.fb = { result: 'timeout', latencyMs: hang };
      push({ time: now + hang, kind: 'end', att });
      return;
    }
    const z = normal(crn(seed, r.id, n, d.hash, SALT_LAT_1), crn(seed, r.id, n, d.hash, SALT_LAT_2));
    const latency = d.spec.medianMs * Math.exp(0.45 * z) * (0.4 + (0.6 * r.outputTokens) / 250) * (1 + 0.5 * load * load) * f.slowdown;
    const ttft = Math.min(latency, 0.25 * d.spec.medianMs * f.slowdown);
    if (crn(seed, r.id, n, d.hash, SALT_ERR) < f.errorRate) {
      const at = Math.min(0.3 * latency, timeout);
      att.fb = { result: at < 0.3 * latency ? 'timeout' : 'error', latencyMs: at };
      push({ time: now + at, kind: 'end', att });
      return;
    }
    if (ttft < timeout) push({ time: now + ttft, kind: 'first-byte', att });
    att.fb = latency > timeout ? { result: 'timeout', latencyMs: timeout, ttftMs: ttft } : { result: 'ok', latencyMs: latency, ttftMs: ttft };
    push({ time: now + Math.min(latency, timeout), kind: 'end', att });
  }

  function endAttempt(att: Attempt): void {
    const { rs, d } = att;
    const r = rs.r;
    const tenant = tenants.get(r.tenant) as TenantBudget;
    tenant.reserved -= att.reserved;
    if (att.inService) d.inflight--;
    strategy.finished(d, att.id, att.fb, now);
    if (att.fb.result === 'ok') {
      const cost = costOf(d.spec, r.inputTokens, r.outputTokens);
      tenant.spent += cost;
      rec.billed += cost;
      if (tenant.spent > tenant.limit + 1e-12) rec.budgetOverruns++;
      if (r.maxCost !== undefined && cost > r.maxCost) rec.budgetOverruns++;
      rec.served[r.id] = { tier: d.spec.tier, latencyMs: now - r.at };
      return;
    }
    dispatchNext(rs);
  }

  for (const r of trace) push({ time: r.at, kind: 'arrive', rs: { r, deadline: r.at + deadlineMs, tried: [], attempts: 0, cohort: new Map() } });
  for (let e = heapPop(heap); e; e = heapPop(heap)) {
    now = e.time;
    if (e.kind === 'arrive') {
      const rs = e.rs as RequestState;
      rs.cohort = cohortOf(rs.r);
      dispatchNext(rs);
    } else if (e.kind === 'first-byte') {
      const att = e.att as Attempt;
      strategy.firstByte(att.d, att.id, now);
    } else endAttempt(e.att as Attempt);
  }
  rec.rollbackAt = strategy.rollbackAt();
  return rec;
}

function canaryAliases(deployments: SimDeployment[]): Map<string, SimDeployment[]> {
  const out = new Map<string, SimDeployment[]>();
  for (const d of deployments) {
    if (d.spec.alias === undefined || d.spec.canaryWeight === undefined) continue;
    out.set(d.spec.alias, [...(out.get(d.spec.alias) ?? []), d]);
  }
  return out;
}

function less(a: SimEvent, b: SimEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

function heapPush(h: SimEvent[], e: SimEvent): void {
  h.push(e);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!less(h[i] as SimEvent, h[p] as SimEvent)) break;
    [h[i], h[p]] = [h[p] as SimEvent, h[i] as SimEvent];
    i = p;
  }
}

function heapPop(h: SimEvent[]): SimEvent | undefined {
  const top = h[0];
  const last = h.pop();
  if (h.length > 0 && last) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l] as SimEvent, h[m] as SimEvent)) m = l;
      if (r < h.length && less(h[r] as SimEvent, h[m] as SimEvent)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as SimEvent, h[i] as SimEvent];
      i = m;
    }
  }
  return top;
}
