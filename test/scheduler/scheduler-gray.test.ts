import { describe, expect, it } from 'vitest';
import type { RouteCandidate } from '../../src/core/scheduling.js';
import { binomialUpperTail, stableUnit } from '../../src/gateway/scheduler/index.js';
import { deployment, request, testScheduler } from './scheduler-fixtures.js';

const stable = deployment('v1', 'economy');
const canary = deployment('v2', 'economy');
const release: RouteCandidate[] = [
  { deployment: stable, weight: 0.9, canary: false, alias: 'eco' },
  { deployment: canary, weight: 0.1, canary: true, alias: 'eco' },
];
const economy = (user: number) => request({ bizLevel: 'economy', costPreference: 'low', stickyKey: `t:${user}` });

describe('gray release', () => {
  it('gives the canary its weight share of sticky keys, the same member every time', () => {
    const { scheduler } = testScheduler();
    let onCanary = 0;
    for (let u = 0; u < 4_000; u++) {
      const first = scheduler.plan(economy(u), release).attempts[0]?.id;
      expect(scheduler.plan(economy(u), release).attempts[0]?.id).toBe(first);
      if (first === 'v2') onCanary++;
    }
    expect(onCanary / 4_000).toBeGreaterThan(0.085);
    expect(onCanary / 4_000).toBeLessThan(0.115);
  });

  it('lets canary users fall back to stable, never stable users to the canary', () => {
    const { scheduler } = testScheduler();
    for (let u = 0; u < 300; u++) {
      const plan = scheduler.plan(economy(u), release);
      const ids = plan.attempts.map((d) => d.id);
      if (ids[0] === 'v2') {
        expect(ids).toEqual(['v2', 'v1']);
        expect(plan.reason).toBe('canary');
      } else {
        expect(ids).toEqual(['v1']);
        expect(plan.filtered.gray).toBe(1);
      }
    }
  });

  it('sticky buckets are a stable hash of alias and key', () => {
    expect(stableUnit('eco\0t:1')).toBe(stableUnit('eco\0t:1'));
    expect(stableUnit('eco\0t:1')).not.toBe(stableUnit('eco\0t:2'));
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(stableUnit(`k${i}`) * 10)]++;
    for (const b of buckets) expect(Math.abs(b - 1_000)).toBeLessThan(150);
  });

  it('exact binomial tail', () => {
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    // P(X ≥ 3 | 10, 0.1) = 1 − (0.9^10 + 10·0.1·0.9^9 + 45·0.01·0.9^8)
    const exact = 1 - (0.9 ** 10 + 10 * 0.1 * 0.9 ** 9 + 45 * 0.01 * 0.9 ** 8);
    expect(binomialUpperTail(3, 10, 0.1)).toBeCloseTo(exact, 10);
  });

  function traffic(scheduler: ReturnType<typeof testScheduler>['scheduler'], clock: ReturnType<typeof testScheduler>['clock'], seconds: number, canaryFailEvery: number) {
    const count: Record<string, number> = { v1: 0, v2: 0 };
    for (let s = 0; s < seconds; s++) {
      for (let i = 0; i < 20; i++) {
        const id = i < 2 ? 'v2' : 'v1';
        const n = ++count[id]!;
        // Stable fails 1 %; the canary 1 in `canaryFailEvery` (0: never).
        const fail = id === 'v2' ? canaryFailEvery > 0 && n % canaryFailEvery === 0 : n % 100 === 0;
        scheduler.attemptStarted(id);
        scheduler.attemptFinished({ deploymentId: id, result: fail ? 'error' : 'ok', latencyMs: 200 });
        clock.advance(50);
      }
    }
  }

  it('rolls the canary back when its error rate is significantly worse, and emits an audit event', () => {
    const { scheduler, clock, events } = testScheduler();
    scheduler.plan(economy(1), release);
    traffic(scheduler, clock, 30, 0);
    expect(events).toEqual([]);
    traffic(scheduler, clock, 10, 3);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'rollback', alias: 'eco', deploymentId: 'v2', reason: 'error_rate' });
    expect(events[0]?.evidence.pValue as number).toBeLessThan(0.001);
    expect(events[0]?.evidence.canaryFailures as number).toBeGreaterThanOrEqual(3);
    // Rolled back: nobody is sent to the canary any more.
    for (let u = 0; u < 200; u++) expect(scheduler.plan(economy(u), release).attempts.map((d) => d.id)).toEqual(['v1']);
  });

  it('does not roll back on a few failures, nor when the canary is as good as stable', () => {
    const { scheduler, clock, events } = testScheduler();
    scheduler.plan(economy(1), release);
    // Canary: 2 failures only (below the minimum), then a long stretch at the stable's rate.
    scheduler.attemptStarted('v2');
    scheduler.attemptFinished({ deploymentId: 'v2', result: 'error', latencyMs: 10 });
    scheduler.attemptStarted('v2');
    scheduler.attemptFinished({ deploymentId: 'v2', result: 'error', latencyMs: 10 });
    traffic(scheduler, clock, 120, 100);
    expect(events).toEqual([]);
  });

  it('rolls back on a significant latency regression', () => {
    const { scheduler, clock, events } = testScheduler();
    scheduler.plan(economy(1), release);
    for (let i = 0; i < 400; i++) {
      const id = i % 5 === 0 ? 'v2' : 'v1';
      scheduler.attemptStarted(id);
      scheduler.attemptFinished({ deploymentId: id, result: 'ok', latencyMs: (id === 'v2' ? 3_000 : 1_000) * (1 + (i % 7) / 10) });
      clock.advance(50);
    }
    expect(events[0]).toMatchObject({ type: 'rollback', deploymentId: 'v2', reason: 'latency' });
  });

  it('operator promotion makes the canary a stable member and is audited', () => {
    const { scheduler, events } = testScheduler();
    scheduler.plan(economy(1), release);
    scheduler.promoteCanary('eco', 'v2');
    expect(events[0]).toMatchObject({ type: 'promotion', reason: 'operator' });
    const firsts = new Set<string>();
    for (let u = 0; u < 200; u++) firsts.add(scheduler.plan(economy(u), release).attempts[0]?.id as string);
    expect(firsts).toEqual(new Set(['v1', 'v2']));
    expect(scheduler.plan(economy(1), release).filtered.gray ?? 0).toBe(0);
  });
});
