/**
 * The request trace: generated once per seed from one mulberry32 stream and replayed by every
 * strategy. Poisson arrivals at `traffic.rps` (bursts override it), business level, cost
 * preference, capability tags, lognormal token counts, a user and a tenant per business level.
 */
import type { BizLevel } from '../../src/core/domain.js';
import type { Scenario } from './scenario.js';
import { mulberry32, normal } from './sim-random.js';

export interface TraceRequest {
  id: number;
  /** Arrival, ms from the start. */
  at: number;
  level: BizLevel;
  preferHigh: boolean;
  capabilities: string[];
  inputTokens: number;
  outputTokens: number;
  maxTokens: number;
  user: number;
  tenant: string;
  /** Request cost cap in USD, if the level has one. */
  maxCost: number | undefined;
}

const LEVELS: BizLevel[] = ['premium', 'normal', 'economy'];

export function generateTrace(scenario: Scenario, seed: number): TraceRequest[] {
  const rnd = mulberry32(seed);
  const t = scenario.traffic;
  const out: TraceRequest[] = [];
  const endMs = scenario.durationS * 1000;
  let at = 0;
  for (let id = 0; ; id++) {
    at += (-Math.log(1 - rnd()) / rateAt(scenario, at)) * 1000;
    if (at >= endMs) break;
    const level = pickLevel(t.bizLevel, rnd());
    const preferHigh = rnd() < t.preferHighCost[level];
    const capabilities = Object.entries(t.capabilities)
      .filter(([, p]) => rnd() < p)
      .map(([cap]) => cap);
    let inputTokens = lognormal(t.inputTokens, rnd);
    const lc = t.longContext;
    if (lc && rnd() < lc.probability && lc.levels.includes(level)) {
      inputTokens = lc.inputTokensMin + Math.floor(rnd() * (lc.inputTokensMax - lc.inputTokensMin + 1));
      capabilities.push('long_context');
    }
    const vision = t.vision;
    if (vision && rnd() < vision.probability && vision.levels.includes(level)) capabilities.push('vision');
    const outputTokens = Math.min(lognormal(t.outputTokens, rnd), t.maxTokens);
    const user = Math.floor(rnd() * t.users);
    out.push({
      id,
      at,
      level,
      preferHigh,
      capabilities,
      inputTokens,
      outputTokens,
      maxTokens: t.maxTokens,
      user,
      tenant: `tenant-${level}`,
      maxCost: t.maxCostPerRequest[level],
    });
  }
  return out;
}

function rateAt(scenario: Scenario, atMs: number): number {
  const s = atMs / 1000;
  const burst = scenario.traffic.bursts.find((b) => s >= b.fromS && s < b.toS);
  return burst ? burst.rps : scenario.traffic.rps;
}

function pickLevel(shares: Record<BizLevel, number>, u: number): BizLevel {
  const total = LEVELS.reduce((s, l) => s + shares[l], 0);
  let edge = 0;
  for (const l of LEVELS) {
    edge += shares[l] / total;
    if (u < edge) return l;
  }
  return 'economy';
}

function lognormal(spec: { median: number; sigma: number; min?: number | undefined; max: number }, rnd: () => number): number {
  const z = normal(1 - rnd(), rnd());
  const v = Math.round(spec.median * Math.exp(spec.sigma * z));
  return Math.min(spec.max, Math.max(spec.min ?? 1, v));
}
