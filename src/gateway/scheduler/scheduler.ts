/**
 * The scheduler (issue 4): candidates → ordered hard filters → normalised weighted score →
 * power-of-two-choices among the best → ordered fallback plan. Pure: time comes from the
 * injected clock, randomness from the injected generator, so the live pipeline and the offline
 * benchmark (bench/schedule/) run exactly this code.
 *
 * Cost per decision: the ladders of every (business level, cost preference, budget band) are
 * prepared with the configuration; a decision allocates one score entry per ranked candidate and
 * keeps, for its trace, only the scored deployments and one flat array of score numbers. The
 * trace itself (admin API, debugging) is built on first read.
 */
import type { BizLevel, CostPreference, Deployment, Tier } from '../../core/domain.js';
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
import {
  degradedLadder,
  escalatedLadder,
  FILTER_INDEX,
  FILTERS,
  type FilterName,
  healthFilter,
  pressureBand,
  SOFT_SEVERITY,
  staticFilter,
  worstCaseMicros,
} from './scheduler-filters.js';
import { GrayReleases, type GrayRole } from './scheduler-gray.js';
import { DeploymentHealthRecord, type SpeedSignals } from './scheduler-health.js';
import { type Entry, pickPlan, SCORE_AT, SCORE_PARTS, SCORE_STRIDE, scoreEntries, SEVERITY_AT } from './scheduler-score.js';

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

/** Offsets in the filter-count scratch: the plan's counts, then removals inside / outside the ladder. */
const COUNTED = 0;
const REMOVED_IN = FILTERS.length;
const REMOVED_OUT = 2 * FILTERS.length;
const TIER = FILTER_INDEX.tier;
const NO_LADDER: Tier[] = Object.freeze([]) as unknown as Tier[];

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
  const ladders = prepareLadders(cfg);
  // Scratch of one decision (`plan` is synchronous and not re-entrant): filter counts, and the
  // worst case and static filter verdict of each candidate.
  const counts = new Int32Array(3 * FILTERS.length);
  const worstOf: (number | undefined)[] = [];
  const staticOf: (FilterName | undefined)[] = [];
  const speed: SpeedSignals = { latency: undefined, slowness: 1 };

  /**
   * Run the filters: the survivors and the softly removed, inside and outside the ladder. Counts
   * removals in `counts` (see the offsets above).
   */
  function classify(req: RouteRequest, candidates: RouteCandidate[], budget: BudgetGate | undefined, now: number, pressure: number, choice: LadderChoice): Classified {
    counts.fill(0);
    const effective = choice.ladder;
    const n = candidates.length;
    let servable = false;
    for (let i = 0; i < n; i++) {
      const d = (candidates[i] as RouteCandidate).deployment;
      const worst = worstCaseMicros(d, req);
      const removedBy = staticFilter(d, req, worst, budget);
      worstOf[i] = worst;
      staticOf[i] = removedBy;
      if (removedBy === undefined && !servable && effective.includes(d.tier)) servable = true;
    }
    // Every tier is ranked; those outside the ladder are used only when the ladder has no
    // deployment able to serve (static filters) or healthy enough to (health filters). Under
    // budget pressure, dearer tiers are added only when the ladder cannot serve at all.
    const allowDearer = pressure < cfg.budget.noUpgradeAt || (!servable && pressure < cfg.budget.stepDownAt);
    const ladder = req.pinned ? NO_LADDER : allowDearer ? choice.escalated : choice.escalatedCheaper;
    const roles = req.pinned ? undefined : gray.assign(req.stickyKey, candidates);
    const premium = req.bizLevel === 'premium';
    const out: Classified = { ladder, inLadder: { alive: [], soft: [] }, outside: { alive: [], soft: [] }, outsideRemoved: 0 };
    for (let i = 0; i < n; i++) {
      const c = candidates[i] as RouteCandidate;
      const d = c.deployment;
      const tierPos = req.pinned ? 0 : ladder.indexOf(d.tier);
      const role = roles?.[i] ?? 'primary';
      const h = record(d.id);
      const removedBy = staticOf[i] ?? (role === 'excluded' ? 'gray' : healthFilter(cfg, d, h, premium, now));
      const severity = removedBy === undefined ? 0 : SOFT_SEVERITY[removedBy];
      if (!req.pinned && tierPos < 0 && severity !== undefined) {
        bump(counts, COUNTED + TIER);
        continue;
      }
      if (severity === undefined) {
        bump(counts, COUNTED + FILTER_INDEX[removedBy as FilterName]);
        continue;
      }
      const inLadder = req.pinned || tierPos < effective.length;
      if (removedBy !== undefined) {
        bump(counts, (inLadder ? REMOVED_IN : REMOVED_OUT) + FILTER_INDEX[removedBy]);
        if (!inLadder) out.outsideRemoved++;
        // Panic material only without an operator override.
        if (h.override !== undefined) continue;
      }
      h.readSpeed(now, req.stream, speed);
      const entry: Entry = {
        deployment: d,
        role,
        alias: c.alias,
        canary: c.canary,
        tierPos,
        worst: worstOf[i],
        latency: speed.latency,
        slowness: speed.slowness,
        errorRate: h.errorRate(now),
        inflight: h.inflight,
        severity,
        score: 0,
        scoredAs: undefined,
      };
      const group = inLadder ? out.inLadder : out.outside;
      (removedBy === undefined ? group.alive : group.soft).push(entry);
    }
    return out;
  }

  function plan(req: RouteRequest, candidates: RouteCandidate[], budget?: BudgetGate): RoutePlan {
    const now = clock.now();
    const pressure = budgetPressure(cfg, budget);
    const band = pressureBand(cfg, pressure);
    const choice = ladders.get(req.bizLevel)?.get(req.costPreference)?.[band] ?? prepareLadder(cfg, req.bizLevel, req.costPreference, band);
    const { ladder, inLadder, outside, outsideRemoved } = classify(req, candidates, budget, now, pressure, choice);
    const escalated = inLadder.alive.length === 0 && outside.alive.length > 0;
    const panic = inLadder.alive.length === 0 && outside.alive.length === 0 && inLadder.soft.length + outside.soft.length > 0;
    for (let k = 0; k < FILTERS.length; k++) {
      bump(counts, COUNTED + k, (counts[REMOVED_IN + k] as number) + (escalated ? (counts[REMOVED_OUT + k] as number) : 0));
    }
    if (!escalated) bump(counts, COUNTED + TIER, outside.alive.length + outsideRemoved);
    // Panic stays within the ladder when it can.
    const entries = escalated ? outside.alive : panic ? (inLadder.soft.length > 0 ? inLadder.soft : outside.soft) : inLadder.alive;
    const usedLadder = escalated || panic ? ladder : choice.ladder;
    const numbers = scoreEntries(entries, { cfg, weights: cfg.weights[req.costPreference], ladderLength: usedLadder.length, pressure });
    // What the trace needs of the entries, before the pick reorders them.
    const scored = entries.map((e) => e.deployment);
    let marks: (TraceMark | undefined)[] | undefined;
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k] as Entry;
      if (e.role !== 'primary' || e.scoredAs !== undefined) {
        marks ??= new Array<TraceMark | undefined>(entries.length).fill(undefined);
        marks[k] = { role: e.role, scoredAs: e.scoredAs };
      }
    }
    // One entry left: it is the plan whatever its score (pickPlan draws no random number then).
    const only = entries.length === 1 ? entries[0] : undefined;
    const { plan: chosen, pool } = only ? { plan: [only], pool: [only.deployment.id] } : pickPlan(entries, cfg, random, cfg.maxAttempts);
    const attempts = chosen.map((e) => e.deployment);
    const reason = planReason(req, chosen[0], panic, escalated, choice.degraded);
    return new ScheduledPlan(attempts, reason, compactCounts(counts), candidates.length, { at: now, ladder: usedLadder, pressure, pool, scored, numbers, marks });
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
  /** Removed by a health filter only (and no operator override): panic material. */
  soft: Entry[];
}

interface Classified {
  /** The ladder with escalation tiers appended. */
  ladder: Tier[];
  inLadder: Group;
  outside: Group;
  /** Candidates outside the ladder removed by a health filter. */
  outsideRemoved: number;
}

/** The effective ladder of one (business level, cost preference, pressure band), with its escalations. */
interface LadderChoice {
  ladder: Tier[];
  degraded: boolean;
  /** `escalatedLadder` of `ladder`, with dearer tiers allowed / cheaper ones only. */
  escalated: Tier[];
  escalatedCheaper: Tier[];
}

/** Every ladder choice of the configuration, by business level, then cost preference, then pressure band. */
function prepareLadders(cfg: SchedulerConfig): Map<string, Map<string, LadderChoice[]>> {
  const out = new Map<string, Map<string, LadderChoice[]>>();
  for (const level of Object.keys(cfg.ladders) as BizLevel[]) {
    const byPref = new Map<string, LadderChoice[]>();
    for (const pref of Object.keys(cfg.ladders[level]) as CostPreference[]) {
      byPref.set(pref, [0, 1, 2, 3].map((band) => prepareLadder(cfg, level, pref, band)));
    }
    out.set(level, byPref);
  }
  return out;
}

/** Frozen: the ladders are shared by every plan (and its trace). */
function prepareLadder(cfg: SchedulerConfig, level: BizLevel, pref: CostPreference, band: number): LadderChoice {
  const { ladder, degraded } = degradedLadder(cfg, level, pref, band);
  return Object.freeze({
    ladder: Object.freeze(ladder) as Tier[],
    degraded,
    escalated: Object.freeze(escalatedLadder(cfg, ladder, true)) as Tier[],
    escalatedCheaper: Object.freeze(escalatedLadder(cfg, ladder, false)) as Tier[],
  });
}

/** A canary-release role or score sharing of a scored entry, for the trace. */
interface TraceMark {
  role: GrayRole;
  scoredAs: string | undefined;
}

/** What the decision trace is built from: kept compact, since it lives as long as the route trace. */
interface TraceSource {
  at: number;
  ladder: Tier[];
  pressure: number;
  pool: string[];
  /** The scored deployments, in scoring order. */
  scored: Deployment[];
  /** `SCORE_STRIDE` numbers per scored deployment (see `scoreEntries`). */
  numbers: number[];
  /** Gray-release marks per scored deployment, when any has one. */
  marks: (TraceMark | undefined)[] | undefined;
}

/** The plan `plan` returns: its trace (admin API, debugging) is built on first read. */
class ScheduledPlan implements RoutePlan {
  private built: Record<string, unknown> | undefined;

  constructor(
    public attempts: Deployment[],
    public reason: string,
    public filtered: Record<string, number>,
    public candidates: number,
    private readonly source: TraceSource,
  ) {}

  get trace(): Record<string, unknown> {
    this.built ??= buildTrace(this.source, this.attempts);
    return this.built;
  }

  toJSON(): RoutePlan {
    return { attempts: this.attempts, reason: this.reason, filtered: this.filtered, candidates: this.candidates, trace: this.trace };
  }
}

function buildTrace(t: TraceSource, attempts: Deployment[]): Record<string, unknown> {
  const scores: Record<string, unknown>[] = [];
  for (let k = 0; k < t.scored.length; k++) {
    const d = t.scored[k] as Deployment;
    const at = k * SCORE_STRIDE;
    const mark = t.marks?.[k];
    const severity = t.numbers[at + SEVERITY_AT] as number;
    const parts: Record<string, number> = {};
    for (let p = 0; p < SCORE_PARTS.length; p++) parts[SCORE_PARTS[p] as string] = round(t.numbers[at + p] as number);
    scores.push({
      id: d.id,
      tier: d.tier,
      score: round(t.numbers[at + SCORE_AT] as number),
      ...(mark !== undefined && mark.role !== 'primary' ? { role: mark.role } : {}),
      ...(severity > 0 ? { panic: severity } : {}),
      ...(mark?.scoredAs ? { scoredAs: mark.scoredAs } : {}),
      parts,
    });
  }
  return { at: t.at, ladder: t.ladder, pressure: round(t.pressure), pool: t.pool, plan: attempts.map((d) => d.id), scores };
}

function planReason(req: RouteRequest, pick: Entry | undefined, panic: boolean, escalated: boolean, degraded: boolean): string {
  if (!pick) return 'none';
  if (req.pinned) return 'pinned';
  if (panic) return 'panic';
  if (pick.canary && pick.role === 'primary') return 'canary';
  if (escalated) return 'escalated';
  return degraded ? 'degraded' : 'score';
}

/** The filters that removed a candidate, in filter order, with their counts. */
function compactCounts(counts: Int32Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let k = 0; k < FILTERS.length; k++) {
    const n = counts[COUNTED + k] as number;
    if (n > 0) out[FILTERS[k] as FilterName] = n;
  }
  return out;
}

function bump(counts: Int32Array, at: number, by = 1): void {
  counts[at] = (counts[at] as number) + by;
}

function clamp(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
