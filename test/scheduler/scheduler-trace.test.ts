import { describe, expect, it } from 'vitest';
import type { BizLevel, CostPreference } from '../../src/core/domain.js';
import type { RouteCandidate } from '../../src/core/scheduling.js';
import { effectiveLadder, resolveSchedulerConfig } from '../../src/gateway/scheduler/index.js';
import { degradedLadder, pressureBand } from '../../src/gateway/scheduler/scheduler-filters.js';
import { DeploymentHealthRecord } from '../../src/gateway/scheduler/scheduler-health.js';
import { candidates, deployment, request, testScheduler } from './scheduler-fixtures.js';

interface TraceScore {
  id: string;
  tier: string;
  score: number;
  role?: string;
  panic?: number;
  scoredAs?: string;
  parts: Record<string, number>;
}
interface Trace {
  at: number;
  ladder: string[];
  pressure: number;
  pool: string[];
  plan: string[];
  scores: TraceScore[];
}

const traceOf = (plan: { trace: Record<string, unknown> }): Trace => JSON.parse(JSON.stringify(plan.trace)) as Trace;

describe('decision trace', () => {
  it('is built once, on first read, and serialises with the plan', () => {
    const { scheduler, clock } = testScheduler();
    const plan = scheduler.plan(request(), candidates(deployment('a', 'standard'), deployment('b', 'standard'), deployment('c', 'premium')));
    clock.advance(5_000);
    const trace = plan.trace;
    expect(plan.trace).toBe(trace);
    const t = traceOf(plan);
    // The time of the decision, not of the read.
    expect(t.at).toBe(clock.now() - 5_000);
    expect(t.plan).toEqual(plan.attempts.map((d) => d.id));
    // Scores in candidate order, each with its parts; the pool is the P2C draw among the best.
    expect(t.scores.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(t.pool.length).toBeGreaterThan(0);
    expect(t.pool).toContain(plan.attempts[0]?.id);
    // Each score is the weighted sum of its parts (no budget pressure, no panic).
    const w = resolveSchedulerConfig().weights.high;
    for (const s of t.scores) {
      const { tier, quality, cost, latency, slow, errors, load } = s.parts as Record<'tier' | 'quality' | 'cost' | 'latency' | 'slow' | 'errors' | 'load', number>;
      const sum = w.tier * tier + w.quality * quality + w.cost * cost + w.latency * latency + w.slow * slow + w.errors * errors + w.load * load;
      expect(Math.abs(s.score - sum)).toBeLessThan(0.01);
    }
    expect(t.scores.find((s) => s.id === 'c')?.parts.tier).toBe(1);
    const whole = JSON.parse(JSON.stringify(plan)) as { attempts: { id: string }[]; reason: string; filtered: Record<string, number>; candidates: number; trace: Trace };
    expect(Object.keys(whole)).toEqual(['attempts', 'reason', 'filtered', 'candidates', 'trace']);
    expect(whole.trace).toEqual(t);
  });

  it('marks gray-release roles and alias score sharing', () => {
    const { scheduler } = testScheduler();
    const release: RouteCandidate[] = [
      { deployment: deployment('v1', 'economy'), weight: 0.5, canary: false, alias: 'eco' },
      { deployment: deployment('v2', 'economy'), weight: 0.5, canary: true, alias: 'eco' },
    ];
    const seen = new Set<string>();
    for (let u = 0; u < 50 && seen.size < 2; u++) {
      const plan = scheduler.plan(request({ bizLevel: 'economy', costPreference: 'low', stickyKey: `t:${u}` }), release);
      const t = traceOf(plan);
      if (plan.attempts[0]?.id === 'v2') {
        // Canary cohort: the canary competes with the stable member's score; stable is the fallback.
        expect(t.scores.find((s) => s.id === 'v2')).toMatchObject({ scoredAs: 'v1' });
        expect(t.scores.find((s) => s.id === 'v1')).toMatchObject({ role: 'fallback' });
        expect(t.scores.find((s) => s.id === 'v2')?.score).toBe(t.scores.find((s) => s.id === 'v1')?.score);
        seen.add('canary');
      } else {
        // Stable cohort: the canary is filtered out, the stable member carries no mark.
        expect(t.scores.map((s) => s.id)).toEqual(['v1']);
        expect(t.scores[0]).not.toHaveProperty('role');
        expect(t.scores[0]).not.toHaveProperty('scoredAs');
        seen.add('stable');
      }
    }
    expect(seen).toEqual(new Set(['canary', 'stable']));
  });

  it('shows the panic severity of entries served in panic', () => {
    const { scheduler, clock } = testScheduler();
    for (let i = 0; i < 5; i++) {
      scheduler.attemptStarted('a');
      scheduler.attemptFinished({ deploymentId: 'a', result: 'error', latencyMs: 10 });
    }
    scheduler.attemptStarted('b');
    scheduler.attemptFinished({ deploymentId: 'b', result: 'throttled', latencyMs: 10, retryAfterMs: clock.now() + 60_000 });
    const plan = scheduler.plan(request(), candidates(deployment('a', 'standard'), deployment('b', 'standard')));
    expect(plan.reason).toBe('panic');
    const t = traceOf(plan);
    expect(t.scores.map((s) => [s.id, s.panic])).toEqual([['a', 4], ['b', 2]]);
    expect(plan.attempts.map((d) => d.id)).toEqual(['b', 'a']);
  });

  it('is empty for a plan without candidates left', () => {
    const { scheduler } = testScheduler();
    const plan = scheduler.plan(request({ capabilities: ['teleport'] }), candidates(deployment('a', 'standard')));
    expect(plan.reason).toBe('none');
    expect(traceOf(plan)).toMatchObject({ pool: [], plan: [], scores: [] });
  });
});

describe('budget pressure bands', () => {
  it('the effective ladder depends on the pressure only through its band', () => {
    const cfg = resolveSchedulerConfig();
    for (const level of ['premium', 'normal', 'economy'] as BizLevel[]) {
      for (const pref of ['high', 'low'] as CostPreference[]) {
        for (let p = 0; p <= 1.0001; p += 0.05) {
          expect(degradedLadder(cfg, level, pref, pressureBand(cfg, p))).toEqual(effectiveLadder(cfg, level, pref, p));
        }
      }
    }
    expect([0, 0.69, 0.7, 0.89, 0.9, 1].map((p) => pressureBand(cfg, p))).toEqual([0, 0, 1, 1, 3, 3]);
  });
});

describe('dispatch rate window', () => {
  it('counts the dispatches of the last window however many have expired', () => {
    const cfg = resolveSchedulerConfig();
    const h = new DeploymentHealthRecord('a', cfg);
    const window = cfg.capacity.rateWindowMs;
    let now = 0;
    // 5,000 dispatches, 4 per ms: the window always holds the last 4 × window.
    for (let i = 0; i < 5_000; i++) {
      if (i % 4 === 0) now++;
      h.started(now, `x${i}`);
      if (i % 97 === 0) expect(h.recentDispatches(now)).toBe(Math.min(i + 1, 4 * (window - 1) + (i % 4) + 1));
    }
    expect(h.recentDispatches(now + window)).toBe(0);
  });

  it('keeps the capacity filter on the rate limit', () => {
    const { scheduler, clock } = testScheduler();
    const a = deployment('a', 'standard', { limits: { rpm: 600 } });
    const b = deployment('b', 'standard');
    // 600 rpm = 10 per second: the 11th dispatch within a second removes `a`.
    for (let i = 0; i < 10; i++) scheduler.attemptStarted('a', `a${i}`);
    expect(scheduler.plan(request(), candidates(a, b)).filtered.capacity).toBe(1);
    clock.advance(1_001);
    expect(scheduler.plan(request(), candidates(a, b)).filtered.capacity).toBeUndefined();
  });
});
