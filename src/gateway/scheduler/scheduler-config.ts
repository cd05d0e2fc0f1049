/**
 * Scheduler configuration: every ladder, weight, threshold and time constant the scheduler uses,
 * with documented defaults (docs/scheduling.md lists them). Nothing here names a deployment.
 */
import type { BizLevel, CostPreference, Tier } from '../../core/domain.js';

/** Weights of the normalised score components (each component is 0..1, lower is better). */
export interface ScoreWeights {
  /** Position of the deployment's tier in the ladder (0 = first choice, 1 = last). */
  tier: number;
  /** 1 − quality. */
  quality: number;
  /** Worst-case cost relative to the cheapest candidate (log scale). */
  cost: number;
  /** Peak-EWMA latency (TTFT for streams) relative to the fastest candidate. */
  latency: number;
  /**
   * Slowness: the deployment's own current TTFT (or latency) over its own baseline. Weighted
   * above one tier step, so a badly slowed deployment yields to the next tier.
   */
  slow: number;
  /** Time-decayed error rate. */
  errors: number;
  /**
   * Load: ρ/(1−ρ) ÷ `ranges.loadFactor` with ρ = in flight ÷ concurrency limit (the M/M/1
   * waiting-time factor: 1 at half load, 4 at 80 %, 19 at 95 %), so near saturation it
   * outweighs even a tier step.
   */
  load: number;
  /** Extra cost weight multiplied by the budget pressure (0..1): budget pacing. */
  pacing: number;
}

export interface BreakerConfig {
  /** Sliding window of the failure ratio, split in `buckets` buckets. */
  windowMs: number;
  buckets: number;
  /** Minimum attempts in the window before the ratio may trip the breaker. */
  minVolume: number;
  failureRatio: number;
  /** Consecutive failures that trip the breaker regardless of volume. */
  consecutiveFailures: number;
  /** First open time; each re-trip multiplies it by `backoff`, up to `maxOpenMs`. */
  openMs: number;
  backoff: number;
  maxOpenMs: number;
  /** After this long closed without a trip, the open time starts from `openMs` again. */
  resetAfterMs: number;
  /** Concurrent probes allowed while half-open; each has its own timeout. */
  halfOpenProbes: number;
  probeTimeoutMs: number;
  /** Successful probes needed to close. */
  successesToClose: number;
}

export interface GrayConfig {
  /**
   * Windows (ms) over which the canary is compared with its stable siblings; the most
   * significant one decides (Bonferroni-corrected), so a fresh regression is not diluted by old
   * healthy traffic and a slow one still shows over the longer windows.
   */
  windowsMs: number[];
  /** Family-wise significance level of the exact one-sided binomial test. */
  alpha: number;
  /** Canary failures needed in the window before a rollback is considered. */
  minFailures: number;
  /** Absolute error-rate margin tolerated over stable (H0: p_canary ≤ p_stable + tolerance). */
  tolerance: number;
  /** Latency regression: canary geometric-mean latency > stable's × ratio, significant at `latencyZ`. */
  latencyRatio: number;
  latencyZ: number;
  minLatencySamples: number;
}

export interface SchedulerConfig {
  /** Ordered acceptable tiers per business level and cost preference; the first is preferred. */
  ladders: Record<BizLevel, Record<CostPreference, Tier[]>>;
  /** Tiers from the most to the least expensive, for budget degradation. */
  tierOrder: Tier[];
  /** The business level's own tier: under budget pressure nothing dearer is used. */
  baseTier: Record<BizLevel, Tier>;
  /**
   * Budget degradation by pressure (share of the tightest budget used, or its projection when
   * the gate knows the budget period): at `noUpgradeAt` the ladder loses tiers dearer than its
   * first; at `stepDownAt` the next cheaper tier is put first. `paceFloor`: the elapsed share
   * below which the projection is not trusted (start of a period).
   */
  budget: { noUpgradeAt: number; stepDownAt: number; paceFloor: number };
  weights: Record<CostPreference, ScoreWeights>;
  /**
   * Ratios at which a relative component saturates at 1 (cost: log2 of this ratio);
   * `loadFactor` divides the (unbounded) queueing factor of the load component.
   */
  ranges: { costRatio: number; latencyRatio: number; slowRatio: number; errorRate: number; loadFactor: number };
  /** P2C among candidates whose score is within `margin` of the best (at most `poolSize`). */
  p2c: { margin: number; poolSize: number };
  maxAttempts: number;
  /** Score penalty added to a fallback on an already planned provider / tier. */
  fallback: { sameProviderPenalty: number; sameTierPenalty: number };
  /** Share of concurrency and rate kept for premium business on deployments of these tiers. */
  capacity: { premiumHeadroom: number; headroomTiers: Tier[]; rateWindowMs: number };
  latency: { peakTauMs: number; baselineTauMs: number };
  errors: { tauMs: number; priorAttempts: number };
  breaker: BreakerConfig;
  /**
   * Stall: an attempt waiting for its first byte longer than
   * clamp(factor × baseline TTFT, minMs, maxMs) marks the deployment stalled and counts as a
   * breaker failure right then (a first-byte timeout), as does a first byte that late.
   */
  stall: { factor: number; minMs: number; maxMs: number };
  /** Retry-After assumed for a 429 without one. */
  throttle: { defaultRetryAfterMs: number };
  /** Thresholds of the `degraded` state and the quality assumed per tier when unset. */
  health: { degradedErrorRate: number; degradedLatencyFactor: number; defaultQuality: Record<Tier, number> };
  gray: GrayConfig;
}

export const DEFAULT_SCHEDULER_CONFIG: SchedulerConfig = {
  ladders: {
    premium: { high: ['premium', 'standard'], low: ['premium', 'standard'] },
    normal: { high: ['standard', 'premium'], low: ['economy', 'standard'] },
    economy: { high: ['economy', 'standard'], low: ['economy', 'standard'] },
  },
  tierOrder: ['premium', 'standard', 'economy'],
  baseTier: { premium: 'premium', normal: 'standard', economy: 'economy' },
  budget: { noUpgradeAt: 0.7, stepDownAt: 0.9, paceFloor: 0.25 },
  weights: {
    high: { tier: 3, quality: 0.6, cost: 0.2, latency: 1, slow: 4, errors: 2, load: 0.8, pacing: 1 },
    low: { tier: 3, quality: 0.2, cost: 0.8, latency: 1, slow: 4, errors: 2, load: 0.8, pacing: 1 },
  },
  ranges: { costRatio: 16, latencyRatio: 4, slowRatio: 4, errorRate: 0.25, loadFactor: 1 },
  p2c: { margin: 0.15, poolSize: 3 },
  maxAttempts: 3,
  fallback: { sameProviderPenalty: 0.5, sameTierPenalty: 0 },
  capacity: { premiumHeadroom: 0.4, headroomTiers: ['premium'], rateWindowMs: 1000 },
  latency: { peakTauMs: 10_000, baselineTauMs: 60_000 },
  errors: { tauMs: 30_000, priorAttempts: 4 },
  breaker: {
    windowMs: 10_000,
    buckets: 10,
    minVolume: 10,
    failureRatio: 0.5,
    consecutiveFailures: 5,
    openMs: 5_000,
    backoff: 1.5,
    maxOpenMs: 30_000,
    resetAfterMs: 120_000,
    halfOpenProbes: 2,
    probeTimeoutMs: 5_000,
    successesToClose: 2,
  },
  stall: { factor: 3, minMs: 1_000, maxMs: 15_000 },
  throttle: { defaultRetryAfterMs: 1_000 },
  health: { degradedErrorRate: 0.1, degradedLatencyFactor: 2, defaultQuality: { premium: 0.9, standard: 0.75, economy: 0.6 } },
  gray: {
    windowsMs: [10_000, 30_000, 90_000],
    alpha: 0.001,
    minFailures: 3,
    tolerance: 0.01,
    latencyRatio: 1.5,
    latencyZ: 4,
    minLatencySamples: 20,
  },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type SchedulerConfigInput = DeepPartial<SchedulerConfig>;

/** Defaults overlaid with `input` (objects merged key by key, arrays replaced), frozen. */
export function resolveSchedulerConfig(input: SchedulerConfigInput = {}): SchedulerConfig {
  return deepFreeze(merge(DEFAULT_SCHEDULER_CONFIG, input) as SchedulerConfig);
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return structuredClone(base);
  if (Array.isArray(over) || typeof over !== 'object' || over === null) return structuredClone(over);
  const out: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    out[k] = merge((base as Record<string, unknown>)?.[k], v);
  }
  return out;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
