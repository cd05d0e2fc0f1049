/**
 * Gray release. Alias members marked `canary` receive their weight share of sticky keys (a
 * stable FNV-1a hash of alias + key, so a user stays on one side) until promoted or rolled back.
 * Users outside the canary cohort never reach the canary; canary users may fall back to stable.
 *
 * Automatic rollback, evaluated on every canary outcome:
 *  - error rate: exact one-sided binomial test of the canary's failures in a window against
 *    H0 p ≤ p_stable + tolerance (p_stable from the stable members over the longest window,
 *    Laplace smoothed), over several windows (Bonferroni), with at least `minFailures` canary
 *    failures;
 *  - latency: Welch z-test on log latency of successes: canary slower than stable × ratio.
 */
import type { Clock } from '../../core/ports.js';
import type { GrayEvent, RouteCandidate } from '../../core/scheduling.js';
import type { GrayConfig } from './scheduler-config.js';
import { addStats, type OutcomeWindow, type WindowStats } from './scheduler-outcome-window.js';
import { binomialUpperTail, stableUnit } from './scheduler-stats.js';

export type GrayRole = 'primary' | 'fallback' | 'excluded';

interface Release {
  canaries: Set<string>;
  stables: Set<string>;
}

const EMPTY: WindowStats = { attempts: 0, failures: 0, latN: 0, logSum: 0, logSq: 0 };

export class GrayReleases {
  private readonly releases = new Map<string, Release>();
  /** `alias\0deployment` of canaries rolled back / promoted. */
  private readonly rolledBack = new Set<string>();
  private readonly promoted = new Set<string>();

  constructor(
    private readonly cfg: GrayConfig,
    private readonly clock: Clock,
    private readonly windowOf: (deploymentId: string) => OutcomeWindow | undefined,
    private readonly onEvent: ((event: GrayEvent) => void) | undefined,
  ) {}

  /**
   * Role of each candidate for this sticky key (same order as `candidates`), or undefined when
   * no candidate belongs to an active gray release.
   */
  assign(stickyKey: string, candidates: readonly RouteCandidate[]): GrayRole[] | undefined {
    if (!this.touches(candidates)) return undefined;
    let roles: GrayRole[] | undefined;
    const cohorts = new Map<string, string | null>();
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i] as RouteCandidate;
      if (c.alias === undefined || !this.inRelease(c, candidates)) continue;
      roles ??= candidates.map(() => 'primary' as GrayRole);
      let canary = cohorts.get(c.alias);
      if (canary === undefined) {
        canary = this.cohortCanary(c.alias, stickyKey, candidates);
        cohorts.set(c.alias, canary);
      }
      const key = `${c.alias}\0${c.deployment.id}`;
      const isCanary = c.canary && !this.promoted.has(key);
      if (isCanary && this.rolledBack.has(key)) roles[i] = 'excluded';
      else if (isCanary) roles[i] = canary === c.deployment.id ? 'primary' : 'excluded';
      else roles[i] = canary === null ? 'primary' : 'fallback';
    }
    return roles;
  }

  /**
   * Can `candidates` take part in a gray release: is one of them a canary, or a member of an
   * alias with a known release? When not, `assign` has nothing to assign or register.
   */
  private touches(candidates: readonly RouteCandidate[]): boolean {
    for (const c of candidates) {
      if (c.alias === undefined) continue;
      if (c.canary || (this.releases.size > 0 && this.releases.has(c.alias))) return true;
    }
    return false;
  }

  /** Re-test the releases `deploymentId` is a canary of; rolls back when the test says so. */
  observe(deploymentId: string): void {
    for (const [alias, release] of this.releases) {
      if (!release.canaries.has(deploymentId)) continue;
      const key = `${alias}\0${deploymentId}`;
      if (this.rolledBack.has(key) || this.promoted.has(key)) continue;
      const verdict = this.test(deploymentId, release);
      if (verdict) this.finish('rollback', alias, deploymentId, verdict.reason, verdict.evidence);
    }
  }

  rollback(alias: string, deploymentId: string): void {
    this.finish('rollback', alias, deploymentId, 'operator', {});
  }

  promote(alias: string, deploymentId: string): void {
    this.finish('promotion', alias, deploymentId, 'operator', {});
  }

  private finish(type: GrayEvent['type'], alias: string, deploymentId: string, reason: string, evidence: GrayEvent['evidence']): void {
    const key = `${alias}\0${deploymentId}`;
    if (this.rolledBack.has(key) || this.promoted.has(key)) return;
    (type === 'rollback' ? this.rolledBack : this.promoted).add(key);
    this.onEvent?.({ type, alias, deploymentId, at: this.clock.now(), reason, evidence });
  }

  /** Is `c` part of an alias with a live canary? Also keeps the release registry current. */
  private inRelease(c: RouteCandidate, candidates: readonly RouteCandidate[]): boolean {
    const alias = c.alias as string;
    let release = this.releases.get(alias);
    if (!release) {
      if (!candidates.some((o) => o.alias === alias && o.canary)) return false;
      release = { canaries: new Set(), stables: new Set() };
      this.releases.set(alias, release);
    }
    const set = c.canary ? release.canaries : release.stables;
    if (!set.has(c.deployment.id)) set.add(c.deployment.id);
    return release.canaries.size > 0;
  }

  /** The canary this key's cohort is assigned to within `alias`, or null for stable. */
  private cohortCanary(alias: string, stickyKey: string, candidates: readonly RouteCandidate[]): string | null {
    const members = candidates.filter((o) => o.alias === alias);
    const live = members.filter((o) => o.canary && !this.promoted.has(`${alias}\0${o.deployment.id}`));
    const total = members.reduce((s, o) => s + Math.max(0, o.weight), 0);
    if (total <= 0 || live.length === 0) return null;
    const u = stableUnit(`${alias}\0${stickyKey}`);
    let edge = 0;
    for (const o of live) {
      edge += Math.max(0, o.weight) / total;
      if (u < edge) return this.rolledBack.has(`${alias}\0${o.deployment.id}`) ? null : o.deployment.id;
    }
    return null;
  }

  private test(canaryId: string, release: Release): { reason: string; evidence: GrayEvent['evidence'] } | undefined {
    const now = this.clock.now();
    const canaryWindow = this.windowOf(canaryId);
    if (!canaryWindow) return undefined;
    const { windowsMs, alpha, minFailures, tolerance } = this.cfg;
    const level = alpha / windowsMs.length;
    const stableIn = (windowMs: number): WindowStats => {
      let s = EMPTY;
      for (const id of release.stables) {
        const w = this.windowOf(id);
        if (w) s = addStats(s, w.stats(now, windowMs));
      }
      return s;
    };
    // The stable baseline rate comes from the longest window (most data); the canary is tested
    // over each window so a fresh regression is not diluted by its own healthy past.
    const baseline = stableIn(Math.max(...windowsMs));
    const p0 = Math.min(1, (baseline.failures + 1) / (baseline.attempts + 2) + tolerance);
    for (const windowMs of windowsMs) {
      const c = canaryWindow.stats(now, windowMs);
      const s = stableIn(windowMs);
      if (c.failures >= minFailures && baseline.attempts > 0) {
        const pValue = binomialUpperTail(c.failures, c.attempts, p0);
        if (pValue < level) {
          return { reason: 'error_rate', evidence: { windowMs, canaryAttempts: c.attempts, canaryFailures: c.failures, stableAttempts: baseline.attempts, stableFailures: baseline.failures, pValue: round(pValue) } };
        }
      }
      const z = latencyZ(c, s, this.cfg);
      if (z !== undefined && z > this.cfg.latencyZ) {
        return { reason: 'latency', evidence: { windowMs, canarySamples: c.latN, stableSamples: s.latN, z: round(z) } };
      }
    }
    return undefined;
  }
}

function latencyZ(c: WindowStats, s: WindowStats, cfg: GrayConfig): number | undefined {
  if (c.latN < cfg.minLatencySamples || s.latN < cfg.minLatencySamples) return undefined;
  const mc = c.logSum / c.latN;
  const ms = s.logSum / s.latN;
  const vc = Math.max(1e-9, c.logSq / c.latN - mc * mc);
  const vs = Math.max(1e-9, s.logSq / s.latN - ms * ms);
  return (mc - ms - Math.log(cfg.latencyRatio)) / Math.sqrt(vc / c.latN + vs / s.latN);
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}
