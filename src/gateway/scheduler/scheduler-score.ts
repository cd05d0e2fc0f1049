/**
 * Normalised weighted score (lower is better), power-of-two-choices pick among the best and the
 * ordered fallback plan.
 */
import type { Deployment, Tier } from '../../core/domain.js';
import type { SchedulerConfig, ScoreWeights } from './scheduler-config.js';
import type { GrayRole } from './scheduler-gray.js';

export interface Entry {
  deployment: Deployment;
  role: GrayRole;
  alias: string | undefined;
  canary: boolean;
  tierPos: number;
  worst: number | undefined;
  latency: number | undefined;
  /** Own latency (TTFT) ÷ own baseline, ≥ 1 (1 = as usual). */
  slowness: number;
  errorRate: number;
  inflight: number;
  /** Panic severity (0 when the entry passed every filter). */
  severity: number;
  score: number;
  /** A canary scored as its alias's stable member (see `shareAliasScore`). */
  scoredAs: string | undefined;
}

export interface ScoreContext {
  cfg: SchedulerConfig;
  weights: ScoreWeights;
  ladderLength: number;
  pressure: number;
}

/** The score components, in the order `scoreEntries` writes them (and the trace shows them). */
export const SCORE_PARTS = ['tier', 'quality', 'cost', 'latency', 'slow', 'errors', 'load'] as const;
/** Numbers per entry in `scoreEntries`' output: the parts, the final score, the panic severity. */
export const SCORE_STRIDE = SCORE_PARTS.length + 2;
/** Offsets of the final score and the panic severity within an entry's numbers. */
export const SCORE_AT = SCORE_PARTS.length;
export const SEVERITY_AT = SCORE_PARTS.length + 1;

/**
 * Fill `score` of every entry, relative to the other entries. Returns the components, final
 * score and panic severity of each entry, `SCORE_STRIDE` numbers per entry in entry order (one
 * flat array of doubles: what the decision trace keeps).
 */
export function scoreEntries(entries: Entry[], ctx: ScoreContext): number[] {
  const { cfg, weights: w } = ctx;
  let cheapest = Number.POSITIVE_INFINITY;
  let fastest = Number.POSITIVE_INFINITY;
  for (const e of entries) {
    if (e.worst !== undefined && e.worst > 0) cheapest = Math.min(cheapest, e.worst);
    if (e.latency !== undefined && e.latency > 0) fastest = Math.min(fastest, e.latency);
  }
  const costSpan = Math.log2(cfg.ranges.costRatio);
  const slowSpan = Math.log2(cfg.ranges.slowRatio);
  // Exactly sized: the trace keeps this array.
  const numbers = new Array<number>(entries.length * SCORE_STRIDE);
  for (let k = 0; k < entries.length; k++) {
    const e = entries[k] as Entry;
    const d = e.deployment;
    const tier = ctx.ladderLength > 1 ? e.tierPos / (ctx.ladderLength - 1) : 0;
    const quality = 1 - (d.quality ?? cfg.health.defaultQuality[d.tier as Tier] ?? 0.5);
    const cost = e.worst === undefined || !Number.isFinite(cheapest) ? 1 : clamp01(Math.log2(e.worst / cheapest) / costSpan);
    const latency = e.latency === undefined || !Number.isFinite(fastest) ? 0 : clamp01((e.latency / fastest - 1) / (cfg.ranges.latencyRatio - 1));
    const errors = clamp01(e.errorRate / cfg.ranges.errorRate);
    const slow = clamp01(Math.log2(e.slowness) / slowSpan);
    const concurrency = d.limits.concurrency;
    // Queueing delay grows like ρ/(1−ρ) (M/M/1): mild at half load, steep near saturation.
    const rho = concurrency ? Math.min(e.inflight / concurrency, 0.95) : 0;
    const load = rho / (1 - rho) / cfg.ranges.loadFactor;
    const at = k * SCORE_STRIDE;
    numbers[at] = tier;
    numbers[at + 1] = quality;
    numbers[at + 2] = cost;
    numbers[at + 3] = latency;
    numbers[at + 4] = slow;
    numbers[at + 5] = errors;
    numbers[at + 6] = load;
    numbers[at + SEVERITY_AT] = e.severity;
    e.score =
      w.tier * tier +
      w.quality * quality +
      (w.cost + w.pacing * ctx.pressure) * cost +
      w.latency * latency +
      w.slow * slow +
      w.errors * errors +
      w.load * load +
      // Panic: least-bad first, by severity.
      10 * e.severity;
  }
  shareAliasScore(entries);
  for (let k = 0; k < entries.length; k++) numbers[k * SCORE_STRIDE + SCORE_AT] = (entries[k] as Entry).score;
  return numbers;
}

/**
 * A canary competes with its alias's stable members' score: whether the alias serves a request
 * must not depend on the user's cohort, or the canary's share of the alias would drift from its
 * weight. The cohort only decides which member serves. For the same reason a canary whose
 * stable side is unavailable is held back to a fallback, like the stable is for canary users.
 */
function shareAliasScore(entries: Entry[]): void {
  for (const e of entries) {
    if (!e.canary || e.role !== 'primary' || e.severity > 0) continue;
    let stable: Entry | undefined;
    for (const o of entries) {
      if (o.alias === e.alias && !o.canary && o.severity === 0 && (!stable || o.score < stable.score)) stable = o;
    }
    if (stable) {
      e.score = stable.score;
      e.scoredAs = stable.deployment.id;
    } else {
      e.role = 'fallback';
    }
  }
}

/** Plan order of entries: by score, then deployment id. */
function byScore(a: Entry, b: Entry): number {
  return a.score - b.score || cmp(a.deployment.id, b.deployment.id);
}

/**
 * Pick: P2C among the entries within `margin` of the best score (at most `poolSize`), skipping
 * gray-release members held back as fallbacks unless nothing else is left. Then fallbacks by score, preferring
 * providers and tiers not yet in the plan.
 *
 * Sorts `entries` in place (by `byScore`). Returns the plan and the deployment ids of the P2C pool.
 */
export function pickPlan(entries: Entry[], cfg: SchedulerConfig, random: () => number, maxAttempts: number): { plan: Entry[]; pool: string[] } {
  const sorted = entries.sort(byScore);
  let primaries = 0;
  for (const e of sorted) if (e.role !== 'fallback') primaries++;
  const skipFallbacks = primaries > 0;
  // The pool: the first `poolSize` eligible entries within `margin` of the first eligible one.
  const pool: Entry[] = [];
  let first: Entry | undefined;
  for (const e of sorted) {
    if (skipFallbacks && e.role === 'fallback') continue;
    first ??= e;
    if (pool.length >= cfg.p2c.poolSize) break;
    if (e.score <= first.score + cfg.p2c.margin) pool.push(e);
  }
  if (!first) return { plan: [], pool: [] };
  let pick = first;
  if (pool.length >= 2) {
    const i = Math.floor(random() * pool.length);
    let j = Math.floor(random() * (pool.length - 1));
    if (j >= i) j++;
    const a = pool[i] as Entry;
    const b = pool[j] as Entry;
    pick = a.score <= b.score ? a : b;
  }
  const plan = [pick];
  // The rest, still in score order, are the fallback candidates.
  sorted.splice(sorted.indexOf(pick), 1);
  const rest = sorted;
  while (plan.length < maxAttempts && rest.length > 0) {
    let bestIdx = 0;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let k = 0; k < rest.length; k++) {
      const e = rest[k] as Entry;
      const s = e.score + diversityPenalty(e, plan, cfg);
      if (s < bestScore) {
        bestScore = s;
        bestIdx = k;
      }
    }
    plan.push(rest.splice(bestIdx, 1)[0] as Entry);
  }
  return { plan, pool: pool.map((e) => e.deployment.id) };
}

function diversityPenalty(e: Entry, plan: Entry[], cfg: SchedulerConfig): number {
  let sameProvider = false;
  let sameTier = false;
  for (const x of plan) {
    if (x.deployment.providerId === e.deployment.providerId) sameProvider = true;
    if (x.deployment.tier === e.deployment.tier) sameTier = true;
  }
  let p = 0;
  if (sameProvider) p += cfg.fallback.sameProviderPenalty;
  if (sameTier) p += cfg.fallback.sameTierPenalty;
  return p;
}

function clamp01(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
