import { describe, expect, it } from 'vitest';
import { effectiveLadder, resolveSchedulerConfig } from '../../src/gateway/scheduler/index.js';
import { candidates, deployment, request, testScheduler } from './scheduler-fixtures.js';

describe('scheduler hard filters', () => {
  it('removes deployments lacking a capability, counting them under `capabilities`', () => {
    const { scheduler } = testScheduler();
    const plan = scheduler.plan(request({ capabilities: ['vision'] }), candidates(deployment('a', 'standard'), deployment('b', 'standard', { capabilities: ['vision'] })));
    expect(plan.attempts.map((d) => d.id)).toEqual(['b']);
    expect(plan.filtered).toEqual({ capabilities: 1 });
  });

  it('removes deployments whose context window cannot hold input + max output', () => {
    const { scheduler } = testScheduler();
    const plan = scheduler.plan(request({ inputTokens: 30_000, maxOutputTokens: 4_000 }), candidates(deployment('small', 'standard'), deployment('big', 'standard', { contextWindow: 128_000 })));
    expect(plan.attempts.map((d) => d.id)).toEqual(['big']);
    expect(plan.filtered.context).toBe(1);
  });

  it('removes deployments whose worst-case cost exceeds the request cap, and unpriced ones when a cap is set', () => {
    const { scheduler } = testScheduler();
    // premium worst case: 500·5 + 500·15 = 10_000 micros; standard: 1_000 micros.
    const { price: _omit, ...unpriced } = deployment('free', 'standard');
    const plan = scheduler.plan(request({ maxCostMicros: 5_000 }), candidates(deployment('p', 'premium'), deployment('s', 'standard'), unpriced));
    expect(plan.attempts.map((d) => d.id)).toEqual(['s']);
    expect(plan.filtered.maxCost).toBe(2);
  });

  it('asks the budget gate with the worst case of each deployment', () => {
    const { scheduler } = testScheduler();
    const seen: number[] = [];
    const gate = { allows: (_d: unknown, worst: number | undefined) => (seen.push(worst ?? -1), (worst ?? 0) < 5_000), pressure: () => 0 };
    const plan = scheduler.plan(request({ bizLevel: 'premium' }), candidates(deployment('p', 'premium'), deployment('s', 'standard')), gate);
    expect(seen.sort((a, b) => a - b)).toEqual([1_000, 10_000]);
    expect(plan.filtered.budget).toBe(1);
    expect(plan.attempts[0]?.id).toBe('s');
  });

  it('keeps to the tier ladder and reports the tiers it left out', () => {
    const { scheduler } = testScheduler();
    const plan = scheduler.plan(request({ bizLevel: 'premium' }), candidates(deployment('p', 'premium'), deployment('e', 'economy')));
    expect(plan.attempts.map((d) => d.id)).toEqual(['p']);
    expect(plan.filtered.tier).toBe(1);
  });

  it('escalates outside the ladder only when no ladder tier can serve the request', () => {
    const { scheduler } = testScheduler();
    const plan = scheduler.plan(
      request({ bizLevel: 'economy', capabilities: ['vision'] }),
      candidates(deployment('e', 'economy'), deployment('p', 'premium', { capabilities: ['vision'] })),
    );
    expect(plan.reason).toBe('escalated');
    expect(plan.attempts.map((d) => d.id)).toEqual(['p']);
  });

  it('under budget pressure drops tiers above the level base tier, then steps down a tier', () => {
    const cfg = resolveSchedulerConfig();
    expect(effectiveLadder(cfg, 'normal', 'high', 0).ladder).toEqual(['standard', 'premium']);
    expect(effectiveLadder(cfg, 'normal', 'high', 0.75)).toEqual({ ladder: ['standard'], degraded: true });
    expect(effectiveLadder(cfg, 'normal', 'high', 0.95).ladder).toEqual(['economy', 'standard']);
    const { scheduler } = testScheduler();
    const gate = { allows: () => true, pressure: () => 0.95 };
    const plan = scheduler.plan(request(), candidates(deployment('p', 'premium'), deployment('s', 'standard'), deployment('e', 'economy')), gate);
    expect(plan.attempts[0]?.id).toBe('e');
    expect(plan.reason).toBe('degraded');
  });

  it('never plans disabled or draining deployments, nor an operator-drained one', () => {
    const { scheduler } = testScheduler();
    scheduler.setOverride('c', 'drain');
    const plan = scheduler.plan(request(), candidates(deployment('a', 'standard', { status: 'disabled' }), deployment('b', 'standard', { status: 'draining' }), deployment('c', 'standard')));
    expect(plan.attempts).toEqual([]);
    expect(plan.filtered.status).toBe(3);
    expect(plan.reason).toBe('none');
  });

  it('removes deployments already tried by the request', () => {
    const { scheduler } = testScheduler();
    const plan = scheduler.plan(request({ excludeDeployments: ['a'] }), candidates(deployment('a', 'standard'), deployment('b', 'standard')));
    expect(plan.attempts.map((d) => d.id)).toEqual(['b']);
    expect(plan.filtered.tried).toBe(1);
  });

  it('keeps capacity headroom on premium deployments for premium business', () => {
    const { scheduler } = testScheduler();
    const p = deployment('p', 'premium', { limits: { concurrency: 10 } });
    for (let i = 0; i < 7; i++) scheduler.attemptStarted('p', `a${i}`);
    const normal = scheduler.plan(request({ bizLevel: 'normal' }), candidates(p, deployment('s', 'standard', { capabilities: [] })).slice(0, 1));
    // 7 of 10 in flight ≥ 60 % usable by normal traffic: filtered, and panic still serves it.
    expect(normal.filtered.capacity).toBe(1);
    expect(normal.reason).toBe('panic');
    const premium = scheduler.plan(request({ bizLevel: 'premium' }), candidates(p));
    expect(premium.filtered.capacity ?? 0).toBe(0);
    expect(premium.reason).toBe('score');
  });
});

describe('scheduler plan', () => {
  it('returns distinct deployments, at most maxAttempts, preferring other providers for fallbacks', () => {
    const { scheduler } = testScheduler();
    const a1 = deployment('a1', 'standard', { providerId: 'A' });
    const a2 = deployment('a2', 'standard', { providerId: 'A' });
    const b1 = deployment('b1', 'standard', { providerId: 'B', quality: 0.5 });
    const c1 = deployment('c1', 'standard', { providerId: 'C', quality: 0.4 });
    const plan = scheduler.plan(request(), candidates(a1, a2, b1, c1));
    const ids = plan.attempts.map((d) => d.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(new Set(plan.attempts.map((d) => d.providerId)).size).toBe(3);
  });

  it('explains itself in a compact, JSON-serialisable trace', () => {
    const { scheduler } = testScheduler();
    const plan = scheduler.plan(request(), candidates(deployment('a', 'standard'), deployment('b', 'standard'), deployment('p', 'premium')));
    const trace = JSON.parse(JSON.stringify(plan.trace)) as { ladder: string[]; scores: { id: string; score: number; parts: Record<string, number> }[]; plan: string[] };
    expect(trace.ladder).toEqual(['standard', 'premium']);
    expect(trace.scores.map((s) => s.id).sort()).toEqual(['a', 'b', 'p']);
    expect(Object.keys(trace.scores[0]?.parts ?? {})).toEqual(['tier', 'quality', 'cost', 'latency', 'slow', 'errors', 'load']);
    expect(trace.plan[0]).toBe(plan.attempts[0]?.id);
  });

  it('is deterministic for the same clock, randomness and history', () => {
    const run = () => {
      const { scheduler } = testScheduler(undefined, 7);
      const cands = candidates(deployment('a', 'standard'), deployment('b', 'standard'), deployment('c', 'standard'));
      return Array.from({ length: 50 }, (_, i) => scheduler.plan(request({ requestId: String(i) }), cands).attempts.map((d) => d.id).join(',')).join(';');
    };
    expect(run()).toBe(run());
  });

  it('spreads load between equal deployments (power of two choices)', () => {
    const { scheduler } = testScheduler();
    const cands = candidates(deployment('a', 'standard'), deployment('b', 'standard'));
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 200; i++) counts[scheduler.plan(request(), cands).attempts[0]?.id as string]!++;
    expect(counts.a).toBeGreaterThan(50);
    expect(counts.b).toBeGreaterThan(50);
  });
});
