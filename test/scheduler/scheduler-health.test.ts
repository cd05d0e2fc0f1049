import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/gateway/scheduler/scheduler-breaker.js';
import { resolveSchedulerConfig } from '../../src/gateway/scheduler/index.js';
import { candidates, deployment, request, testScheduler } from './scheduler-fixtures.js';

const cfg = resolveSchedulerConfig().breaker;

describe('circuit breaker', () => {
  it('closed → open → half-open → open for longer → half-open → closed', () => {
    const b = new CircuitBreaker(cfg);
    let t = 0;
    for (let i = 0; i < cfg.consecutiveFailures; i++) b.record((t += 10), 'failure', 0);
    expect(b.current(t)).toBe('open');
    const firstOpen = (b.openUntilMs() as number) - t;
    expect(firstOpen).toBe(cfg.openMs);
    expect(b.admits(t + firstOpen - 1)).toBe(false);
    t += firstOpen;
    expect(b.current(t)).toBe('half_open');
    // Bounded probes.
    const probes = Array.from({ length: cfg.halfOpenProbes }, () => b.dispatched(t));
    expect(probes.every((p) => p > 0)).toBe(true);
    expect(b.admits(t)).toBe(false);
    b.record((t += 100), 'failure', probes[0] as number);
    expect(b.current(t)).toBe('open');
    const secondOpen = (b.openUntilMs() as number) - t;
    expect(secondOpen).toBe(cfg.openMs * cfg.backoff);
    t += secondOpen;
    expect(b.current(t)).toBe('half_open');
    for (let i = 0; i < cfg.successesToClose; i++) b.record((t += 100), 'success', b.dispatched(t));
    expect(b.current(t)).toBe('closed');
  });

  it('trips on the failure ratio only once the window has the minimum volume', () => {
    const b = new CircuitBreaker(cfg);
    let t = 0;
    // Alternate failure/success: ratio 0.5 but never consecutive.
    for (let i = 0; i < cfg.minVolume - 2; i++) b.record((t += 10), i % 2 === 0 ? 'failure' : 'success', 0);
    expect(b.current(t)).toBe('closed');
    b.record((t += 10), 'failure', 0);
    b.record((t += 10), 'success', 0);
    expect(b.current(t)).toBe('open');
  });

  it('ignores neutral outcomes (throttling, client errors)', () => {
    const b = new CircuitBreaker(cfg);
    for (let i = 0; i < 50; i++) b.record(i, 'neutral', 0);
    expect(b.current(100)).toBe('closed');
  });

  it('re-opens when a half-open probe outlives its own timeout', () => {
    const b = new CircuitBreaker(cfg);
    let t = 0;
    for (let i = 0; i < cfg.consecutiveFailures; i++) b.record((t += 1), 'failure', 0);
    t += cfg.openMs;
    b.dispatched(t);
    expect(b.current(t + cfg.probeTimeoutMs - 1)).toBe('half_open');
    expect(b.current(t + cfg.probeTimeoutMs)).toBe('open');
  });

  it('grows the open time up to the maximum', () => {
    const b = new CircuitBreaker(cfg);
    let t = 0;
    let last = 0;
    for (let trip = 0; trip < 12; trip++) {
      for (let i = 0; i < cfg.consecutiveFailures && b.current(t) === 'closed'; i++) b.record((t += 1), 'failure', 0);
      if (b.current(t) === 'half_open') b.record(t, 'failure', b.dispatched(t));
      last = (b.openUntilMs() as number) - t;
      t = b.openUntilMs() as number;
    }
    expect(last).toBe(cfg.maxOpenMs);
  });
});

describe('deployment health', () => {
  const a = deployment('a', 'standard');
  const b = deployment('b', 'standard');

  it('treats 429 as throttled until Retry-After, not as unhealthy', () => {
    const { scheduler, clock } = testScheduler();
    for (let i = 0; i < 20; i++) {
      scheduler.attemptStarted('a', `x${i}`);
      scheduler.attemptFinished({ deploymentId: 'a', attemptId: `x${i}`, result: 'throttled', latencyMs: 30, retryAfterMs: clock.now() + 5_000 });
    }
    const h = scheduler.healthOf('a');
    expect(h.breaker).toBe('closed');
    expect(h.errorRate).toBe(0);
    expect(h.throttledUntil).toBe(clock.now() + 5_000);
    expect(scheduler.plan(request(), candidates(a, b)).attempts[0]?.id).toBe('b');
    expect(scheduler.plan(request(), candidates(a, b)).filtered.throttled).toBe(1);
    clock.advance(5_001);
    expect(scheduler.plan(request(), candidates(a, b)).filtered.throttled ?? 0).toBe(0);
  });

  it('marks a deployment stalled when a first byte is overdue, and counts it against the breaker', () => {
    const { scheduler, clock } = testScheduler();
    // A healthy history: first bytes after 200 ms.
    for (let i = 0; i < 10; i++) {
      scheduler.attemptStarted('a', `ok${i}`);
      clock.advance(200);
      scheduler.attemptFirstByte('a', `ok${i}`);
      scheduler.attemptFinished({ deploymentId: 'a', attemptId: `ok${i}`, result: 'ok', latencyMs: 500, ttftMs: 200 });
    }
    expect(scheduler.healthOf('a').state).toBe('healthy');
    for (let i = 0; i < 5; i++) scheduler.attemptStarted('a', `hang${i}`);
    clock.advance(1_500);
    const plan = scheduler.plan(request(), candidates(a, b));
    expect(plan.filtered.breaker ?? plan.filtered.stalled).toBe(1);
    const h = scheduler.healthOf('a');
    expect(h.stalled).toBe(true);
    expect(h.breaker).toBe('open');
    expect(h.state).toBe('offline');
  });

  it('reports unknown before any outcome, degraded on errors, and operator overrides', () => {
    const { scheduler, clock } = testScheduler();
    expect(scheduler.healthOf('a').state).toBe('unknown');
    for (let i = 0; i < 8; i++) {
      scheduler.attemptStarted('a');
      clock.advance(100);
      scheduler.attemptFinished({ deploymentId: 'a', result: i % 3 === 0 ? 'error' : 'ok', latencyMs: 100 });
    }
    expect(scheduler.healthOf('a').state).toBe('degraded');
    expect(scheduler.healthOf('a').reasons).toContain('errors');
    scheduler.setOverride('a', 'force-open');
    expect(scheduler.healthOf('a')).toMatchObject({ state: 'offline', breaker: 'open', override: 'force-open' });
    expect(scheduler.plan(request(), candidates(a, b)).attempts.map((d) => d.id)).toEqual(['b']);
    scheduler.setOverride('a', 'disable');
    expect(scheduler.healthOf('a').state).toBe('offline');
    scheduler.setOverride('a', undefined);
    expect(scheduler.healthOf('a').override).toBeUndefined();
    expect(scheduler.health().map((h) => h.deploymentId)).toContain('a');
  });

  it('panic: when health filters remove every candidate, serves the least bad rather than nothing', () => {
    const { scheduler, clock } = testScheduler();
    for (const id of ['a', 'b']) {
      for (let i = 0; i < 5; i++) {
        scheduler.attemptStarted(id);
        scheduler.attemptFinished({ deploymentId: id, result: 'error', latencyMs: 10 });
      }
    }
    scheduler.attemptStarted('b');
    scheduler.attemptFinished({ deploymentId: 'b', result: 'throttled', latencyMs: 10, retryAfterMs: clock.now() + 60_000 });
    // Both breakers open; panic picks them anyway, least severe first (same severity: by score).
    const plan = scheduler.plan(request(), candidates(a, b));
    expect(plan.reason).toBe('panic');
    expect(plan.attempts).toHaveLength(2);
    expect(plan.filtered.breaker).toBe(2);
    // An operator-forced open is never resurrected by panic.
    scheduler.setOverride('a', 'force-open');
    scheduler.setOverride('b', 'force-open');
    expect(scheduler.plan(request(), candidates(a, b)).attempts).toEqual([]);
  });

  it('a slowed deployment yields even to the next tier', () => {
    const { scheduler, clock } = testScheduler();
    const s = deployment('s', 'standard');
    const p = deployment('p', 'premium');
    const feed = (id: string, ttft: number, n: number) => {
      for (let i = 0; i < n; i++) {
        scheduler.attemptStarted(id, `${id}${i}${ttft}`);
        scheduler.attemptFirstByte(id, `${id}${i}${ttft}`);
        scheduler.attemptFinished({ deploymentId: id, attemptId: `${id}${i}${ttft}`, result: 'ok', latencyMs: ttft * 4, ttftMs: ttft });
        clock.advance(100);
      }
    };
    feed('s', 300, 30);
    feed('p', 500, 30);
    expect(scheduler.plan(request(), candidates(s, p)).attempts[0]?.id).toBe('s');
    feed('s', 2_000, 3);
    expect(scheduler.plan(request(), candidates(s, p)).attempts[0]?.id).toBe('p');
  });
});

describe('stall detection without first-byte signals', () => {
  it('stays off for a caller that never reports first bytes', () => {
    const { scheduler, clock } = testScheduler();
    for (let i = 0; i < 10; i++) {
      scheduler.attemptStarted('a', `s${i}`);
      clock.advance(100);
      scheduler.attemptFinished({ deploymentId: 'a', attemptId: `s${i}`, result: 'ok', latencyMs: 100, ttftMs: 100 });
    }
    for (let i = 0; i < 5; i++) scheduler.attemptStarted('a', `long${i}`);
    clock.advance(20_000);
    expect(scheduler.healthOf('a')).toMatchObject({ stalled: false, breaker: 'closed' });
  });
});
