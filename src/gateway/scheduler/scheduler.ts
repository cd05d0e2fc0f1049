/**
 * The scheduler (issue 4): candidates → ordered hard filters → normalised weighted score →
 * power-of-two-choices among the best → ordered fallback plan. Pure: time comes from the
 * injected clock, randomness from the injected generator, so the live pipeline and the offline
 * benchmark (bench/schedule/) run exactly this code.
 */
import type { Tier } from '../../core/domain.js';
import type { Clock } from '../../core/ports.js';
import type {
  AttemptFeedback,
  BudgetGate,
  DeploymentHealth,
  GrayEvent,
  OperatorOverride,
  RouteCandidate,
  RoutePlan,
  RouteRequest,
  Scheduler,
} from '../../core/scheduling.js';
import { resolveSchedulerConfig, type SchedulerConfig, type SchedulerConfigInput } from './scheduler-config.js';
import { effectiveLadder, escalatedLadder, FILTERS, type FilterName, healthFilter, SOFT_SEVERITY, staticFilter, worstCaseMicros } from './scheduler-filters.js';
import { GrayReleases } from './scheduler-gray.js';
import { DeploymentHealthRecord } from './scheduler-health.js';
import { type Entry, pickPlan, scoreEntries } from './scheduler-score.js';

export interface SchedulerOptions {
  clock: Clock;
  /** Uniform [0, 1) generator (P2C choices). */
  random: () => number;
  config?: SchedulerConfigInput;
  /** Gray-release rollbacks and promotions, for the audit log. */
  onGrayEvent?: (event: GrayEvent) => void;
}

export interface HubScheduler extends Scheduler {
  readonly config: SchedulerConfig;
}

export function createScheduler(options: SchedulerOptions): HubScheduler {
  const cfg = resolveSchedulerConfig(options.config);
  const { clock, random } = options;
  const records = new Map<string, DeploymentHealthRecord>();
  const record = (id: string): DeploymentHealthRecord => {
    let r = records.get(id);
    if (!r) {
      r = new DeploymentHealthRecord(id, cfg);
      records.set(id, r);
    }
    return r;
  };
  const gray = new GrayReleases(cfg.gray, clock, (id) => records.get(id)?.window, options.onGrayEvent);
  // Escalated ladders depend only on the (few) effective ladders and allowDearer: computed once each.
  const ladders = new Map<string, Tier[]>();
  const escalatedOf = (effective: Tier[], allowDearer: boolean): Tier[] => {
    const key = `${allowDearer ? 1 : 0}${effective.join(',')}`;
    let ladder = ladders.get(key);
    if (!ladder) {
      ladder = escalatedLadder(cfg, effective, allowDearer);
      if (ladders.size < 256) ladders.set(key, ladder);
    }
    return ladder;
  };

  /** Run the filters: the survivors and the softly removed, inside and outside the ladder. */
  function classify(req: RouteRequest, candidates: RouteCandidate[], budget: BudgetGate | undefined, now: number, pressure: number, effective: Tier[]): Classified {
    const filtered = Object.fromEntries(FILTERS.map((f) => [f, 0])) as Record<FilterName, number>;
    const statics = candidates.map((c) => {
      const worst = worstCaseMicros(c.deployment, req);
      return { worst, removedBy: staticFilter(c.deployment, req, worst, budget) };
    });
    // Every tier is ranked; those outside the ladder are used only when the ladder has no
    // deployment able to serve (static filters) or healthy enough to (health filters). Under
    // budget pressure, dearer tiers are added only when the ladder cannot serve at all.
    const servable = candidates.some((c, i) => statics[i]?.removedBy === undefined && effective.includes(c.deployment.tier));
    const allowDearer = pressure < cfg.budget.noUpgradeAt || (!servable && pressure < cfg.budget.stepDownAt);
    const ladder = req.pinned ? [] : escalatedOf(effective, allowDearer);
    const roles = req.pinned ? undefined : gray.assign(req.stickyKey, candidates);
    const out: Classified = { filtered, ladder, inLadder: emptyGroup(), outside: emptyGroup() };
    candidates.forEach((c, i) => {
      const d = c.deployment;
      const { worst, removedBy: staticRemoval } = statics[i] as (typeof statics)[number];
      const tierPos = req.pinned ? 0 : ladder.indexOf(d.tier);
      const role = roles?.[i] ?? 'primary';
      const h = record(d.id);
      const removedBy = staticRemoval ?? (role === 'excluded' ? 'gray' : healthFilter(cfg, d, h, req.bizLevel === 'premium', now));
      const soft = removedBy !== undefined && SOFT_SEVERITY[removedBy] !== undefined;
      if (!req.pinned && tierPos < 0 && (removedBy === undefined || soft)) {
        filtered.tier++;
        return;
      }
      if (removedBy !== undefined && !soft) {
        filtered[removedBy]++;
        return;
      }
      const group = req.pinned || tierPos < effective.length ? out.inLadder : out.outside;
      const entry: Entry = {
        deployment: d,
        role,
        alias: c.alias,
        canary: c.canary,
        tierPos,
        worst,
        latency: h.latencyEstimate(now, req.stream),
        slowness: h.slowness(now, req.stream),
        errorRate: h.errorRate(now),
        inflight: h.inflight,
        severity: removedBy === undefined ? 0 : (SOFT_SEVERITY[removedBy] as number),
        score: 0,
      };
      if (removedBy === undefined) group.alive.push(entry);
      else {
        group.removed.push(removedBy);
        if (h.override === undefined) group.soft.push(entry);
      }
    });
    return out;
  }

  function plan(req: RouteRequest, candidates: RouteCandidate[], budget?: BudgetGate): RoutePlan {
    const now = clock.now();
    const pressure = budgetPressure(cfg, budget);
    const effective = effectiveLadder(cfg, req.bizLevel, req.costPreference, pressure);
    const { filtered, ladder, inLadder, outside } = classify(req, candidates, budget, now, pressure, effective.ladder);
    const escalated = inLadder.alive.length === 0 && outside.alive.length > 0;
    const panic = inLadder.alive.length === 0 && outside.alive.length === 0 && inLadder.soft.length + outside.soft.length > 0;
    for (const f of inLadder.removed) filtered[f]++;
    if (escalated) for (const f of outside.removed) filtered[f]++;
    else filtered.tier += outside.alive.length + outside.removed.length;
    // Panic stays within the ladder when it can.
    const entries = escalated ? outside.alive : panic ? (inLadder.soft.length > 0 ? inLadder.soft : outside.soft) : inLadder.alive;
    const usedLadder = escalated || panic ? ladder : effective.ladder;
    scoreEntries(entries, { cfg, weights: cfg.weights[req.costPreference], ladderLength: usedLadder.length, pressure });
    // One entry left: it is the plan whatever its score (pickPlan draws no random number then).
    const only = entries.length === 1 ? entries[0] : undefined;
    const { plan: chosen, pool } = only ? { plan: [only], pool: [only.deployment.id] } : pickPlan(entries, cfg, random, cfg.maxAttempts);
    let trace: Record<string, unknown> | undefined;
    return {
      attempts: chosen.map((e) => e.deployment),
      reason: planReason(req, chosen[0], { panic, escalated, degraded: effective.degraded }),
      filtered: compact(filtered),
      candidates: candidates.length,
      // Built on first read (admin trace API, debug): entries are not changed after the plan.
      get trace() {
        trace ??= buildTrace(now, usedLadder, pressure, entries, pool, chosen);
        return trace;
      },
    };
  }

  return {
    config: cfg,
    plan,
    attemptStarted(deploymentId, attemptId) {
      record(deploymentId).started(clock.now(), attemptId);
    },
    attemptFirstByte(deploymentId, attemptId) {
      record(deploymentId).firstByte(clock.now(), attemptId);
    },
    attemptFinished(feedback: AttemptFeedback) {
      record(feedback.deploymentId).finished(clock.now(), feedback);
      if (feedback.result === 'ok' || feedback.result === 'error' || feedback.result === 'timeout') gray.observe(feedback.deploymentId);
    },
    health(): DeploymentHealth[] {
      const now = clock.now();
      return [...records.values()].map((r) => r.snapshot(now));
    },
    healthOf(deploymentId) {
      return record(deploymentId).snapshot(clock.now());
    },
    setOverride(deploymentId: string, override: OperatorOverride | undefined) {
      record(deploymentId).override = override;
    },
    rollbackCanary: (alias, deploymentId) => gray.rollback(alias, deploymentId),
    promoteCanary: (alias, deploymentId) => gray.promote(alias, deploymentId),
  };
}

/**
 * Budget pressure 0..1: the share used, or — when the gate knows its period — the share a
 * projected overspend maps to: projected end-of-period use × `budget.noUpgradeAt`, so a budget
 * on course to run out degrades like one already at the no-upgrade mark.
 */
function budgetPressure(cfg: SchedulerConfig, budget: BudgetGate | undefined): number {
  if (!budget) return 0;
  const used = clamp(budget.pressure());
  const elapsed = budget.periodElapsed?.();
  if (elapsed === undefined || !Number.isFinite(elapsed)) return used;
  const projected = used / Math.max(cfg.budget.paceFloor, clamp(elapsed));
  return clamp(Math.max(used, projected * cfg.budget.noUpgradeAt));
}

interface Group {
  alive: Entry[];
  /** Removed by a health filter only: panic material. */
  soft: Entry[];
  removed: FilterName[];
}

interface Classified {
  filtered: Record<FilterName, number>;
  /** The ladder with escalation tiers appended. */
  ladder: Tier[];
  inLadder: Group;
  outside: Group;
}

function emptyGroup(): Group {
  return { alive: [], soft: [], removed: [] };
}

function planReason(req: RouteRequest, pick: Entry | undefined, flags: { panic: boolean; escalated: boolean; degraded: boolean }): string {
  if (!pick) return 'none';
  if (req.pinned) return 'pinned';
  if (flags.panic) return 'panic';
  if (pick.canary && pick.role === 'primary') return 'canary';
  if (flags.escalated) return 'escalated';
  return flags.degraded ? 'degraded' : 'score';
}

function buildTrace(now: number, ladder: string[], pressure: number, entries: Entry[], pool: string[], chosen: Entry[]): Record<string, unknown> {
  return {
    at: now,
    ladder,
    pressure: round(pressure),
    pool,
    plan: chosen.map((e) => e.deployment.id),
    scores: entries.map((e) => ({
      id: e.deployment.id,
      tier: e.deployment.tier,
      score: round(e.score),
      ...(e.role !== 'primary' ? { role: e.role } : {}),
      ...(e.severity > 0 ? { panic: e.severity } : {}),
      ...(e.scoredAs ? { scoredAs: e.scoredAs } : {}),
      parts: Object.fromEntries(Object.entries(e.parts ?? {}).map(([k, v]) => [k, round(v)])),
    })),
  };
}

function compact(filtered: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(filtered)) if (v > 0) out[k] = v;
  return out;
}

function clamp(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
