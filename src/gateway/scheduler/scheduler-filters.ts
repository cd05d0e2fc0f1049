/**
 * The hard filters of a plan, in order. Each removed candidate is counted under the first filter
 * that removed it. The health filters (breaker, throttled, stalled, capacity) are "soft": when
 * they remove every candidate left, the panic rule serves the least-bad of them instead.
 */
import type { BizLevel, CostPreference, Deployment, Tier } from '../../core/domain.js';
import type { BudgetGate, RouteRequest } from '../../core/scheduling.js';
import type { SchedulerConfig } from './scheduler-config.js';
import type { DeploymentHealthRecord } from './scheduler-health.js';

export const FILTERS = [
  'tried',
  'capabilities',
  'context',
  'maxCost',
  'budget',
  'tier',
  'gray',
  'status',
  'breaker',
  'throttled',
  'stalled',
  'capacity',
] as const;
export type FilterName = (typeof FILTERS)[number];

/** Position of each filter in `FILTERS` (for counting in a numeric array). */
export const FILTER_INDEX = indexOf(FILTERS);

function indexOf(names: readonly FilterName[]): Readonly<Record<FilterName, number>> {
  const out = {} as Record<FilterName, number>;
  names.forEach((name, i) => {
    out[name] = i;
  });
  return Object.freeze(out);
}

/** Panic severity of the soft filters: the least-bad are tried first. */
export const SOFT_SEVERITY: Partial<Record<FilterName, number>> = { capacity: 1, throttled: 2, stalled: 3, breaker: 4 };

/**
 * Worst-case cost in whole micro-units, rounded up (budget gates compare integers): the whole
 * prompt at the dearest input price (plain, cached or cache-write) plus every allowed output token.
 * Same rule as the budget reservation (gateway/accounting/pricing.ts `worstCaseCostMicros`).
 */
export function worstCaseMicros(d: Deployment, req: RouteRequest): number | undefined {
  if (!d.price) return undefined;
  const out = Math.min(req.maxOutputTokens, d.maxOutputTokens ?? Number.POSITIVE_INFINITY);
  const inputPrice = Math.max(d.price.inputPerMTok, d.price.cachedInputPerMTok ?? 0, d.price.cacheWritePerMTok ?? 0);
  const numerator = req.inputTokens * inputPrice + out * d.price.outputPerMTok;
  const whole = Math.floor(numerator / 1_000_000);
  return whole * 1_000_000 < numerator ? whole + 1 : whole;
}

/** The tier ladder after budget degradation (see `SchedulerConfig.budget`). */
export function effectiveLadder(cfg: SchedulerConfig, level: BizLevel, pref: CostPreference, pressure: number): { ladder: Tier[]; degraded: boolean } {
  return degradedLadder(cfg, level, pref, pressureBand(cfg, pressure));
}

/**
 * Which budget degradation steps apply at `pressure`: bit 1 = no upgrade (≥ `noUpgradeAt`),
 * bit 2 = step down (≥ `stepDownAt`). The effective ladder depends on the pressure only
 * through this band.
 */
export function pressureBand(cfg: SchedulerConfig, pressure: number): number {
  return (pressure >= cfg.budget.noUpgradeAt ? 1 : 0) | (pressure >= cfg.budget.stepDownAt ? 2 : 0);
}

/** `effectiveLadder` for a pressure band (see `pressureBand`). */
export function degradedLadder(cfg: SchedulerConfig, level: BizLevel, pref: CostPreference, band: number): { ladder: Tier[]; degraded: boolean } {
  let ladder = cfg.ladders[level][pref];
  const order = cfg.tierOrder;
  let degraded = false;
  if ((band & 1) !== 0) {
    const base = order.indexOf(cfg.baseTier[level]);
    const kept = ladder.filter((t) => order.indexOf(t) >= base);
    degraded = kept.length !== ladder.length;
    ladder = kept.length > 0 ? kept : [cfg.baseTier[level]];
  }
  if ((band & 2) !== 0 && ladder.length > 0) {
    const cheaper = order[order.indexOf(ladder[0] as Tier) + 1];
    if (cheaper !== undefined) {
      ladder = [cheaper, ...ladder.filter((t) => t !== cheaper)];
      degraded = true;
    }
  }
  return { ladder, degraded };
}

/**
 * The ladder extended with the tiers it lacks, nearest to its first tier first (cheaper on a
 * tie), for when no tier of the ladder can serve the request at all or healthily. Without
 * `allowDearer` (budget pressure) only cheaper tiers are added.
 */
export function escalatedLadder(cfg: SchedulerConfig, ladder: Tier[], allowDearer: boolean): Tier[] {
  const order = cfg.tierOrder;
  const anchor = order.indexOf(ladder[0] as Tier);
  const dearest = Math.min(...ladder.map((t) => order.indexOf(t)));
  const missing = order.filter((t) => !ladder.includes(t) && (allowDearer || order.indexOf(t) > dearest));
  missing.sort((a, b) => Math.abs(order.indexOf(a) - anchor) - Math.abs(order.indexOf(b) - anchor) || order.indexOf(b) - order.indexOf(a));
  return [...ladder, ...missing];
}

/** The first administrative/static filter that removes `d`, if any (tier and gray excluded). */
export function staticFilter(d: Deployment, req: RouteRequest, worst: number | undefined, budget: BudgetGate | undefined): FilterName | undefined {
  if (req.excludeDeployments?.includes(d.id)) return 'tried';
  for (const cap of req.capabilities) if (!d.capabilities.includes(cap)) return 'capabilities';
  if (req.inputTokens + req.maxOutputTokens > d.contextWindow) return 'context';
  if (req.maxCostMicros !== undefined && (worst === undefined || worst > req.maxCostMicros)) return 'maxCost';
  if (budget && !budget.allows(d, worst)) return 'budget';
  return undefined;
}

/** The first health filter that removes `d` at `now`, if any. */
export function healthFilter(cfg: SchedulerConfig, d: Deployment, h: DeploymentHealthRecord, premium: boolean, now: number): FilterName | undefined {
  if (d.status !== 'enabled' || h.override === 'disable' || h.override === 'drain') return 'status';
  const stalled = h.stalled(now);
  if (h.override === 'force-open' || !h.breaker.admits(now)) return 'breaker';
  if (h.throttledUntil > now) return 'throttled';
  if (stalled) return 'stalled';
  if (overCapacity(cfg, d, h, premium, now)) return 'capacity';
  return undefined;
}

function overCapacity(cfg: SchedulerConfig, d: Deployment, h: DeploymentHealthRecord, premium: boolean, now: number): boolean {
  const { premiumHeadroom, headroomTiers, rateWindowMs } = cfg.capacity;
  const usable = !premium && headroomTiers.includes(d.tier) ? 1 - premiumHeadroom : 1;
  const concurrency = d.limits.concurrency;
  if (concurrency !== undefined && h.inflight >= concurrency * usable) return true;
  const rpm = d.limits.rpm;
  if (rpm !== undefined && h.recentDispatches(now) >= (rpm / 60_000) * rateWindowMs * usable) return true;
  return false;
}
