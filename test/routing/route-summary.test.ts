import { describe, expect, it } from 'vitest';
import type { RoutePlan } from '../../src/core/scheduling.js';
import { formatRouteHeader, summarizeRoute, TraceStore, type RouteSummary } from '../../src/gateway/routing/route-summary.js';
import { candidates, deployment, request, testScheduler } from '../scheduler/scheduler-fixtures.js';

/** A plan whose trace counts how often it is built. */
function countingPlan(ids: string[]): { plan: RoutePlan; builds: () => number } {
  let builds = 0;
  const plan: RoutePlan = {
    attempts: ids.map((id) => deployment(id, 'standard')),
    reason: 'score',
    filtered: { capabilities: 2, tier: 1 },
    candidates: 5,
    get trace() {
      builds++;
      return { scores: ids.map((id) => ({ id })) };
    },
  };
  return { plan, builds: () => builds };
}

const base = (requestId: string, tenantId = 't1') => ({ requestId, tenantId, requestedModel: 'pool', at: 1_700_000_000_000 });

function summary(requestId: string, tenantId = 't1'): RouteSummary {
  return summarizeRoute(base(requestId, tenantId), countingPlan(['a']).plan, [{ attempt: 1, deploymentId: 'a', outcome: 'ok', latencyMs: 5 }], 'a');
}

describe('route summary', () => {
  it('ranks the served deployment in the plan and builds the trace only when read', () => {
    const { plan, builds } = countingPlan(['a', 'b', 'c']);
    const attempts = [
      { attempt: 1, deploymentId: 'a', outcome: 'error' as const, errorCode: 'upstream_error', latencyMs: 3 },
      { attempt: 2, deploymentId: 'b', outcome: 'ok' as const, latencyMs: 4 },
    ];
    const s = summarizeRoute(base('r1'), plan, attempts, 'b');
    expect(builds()).toBe(0);
    expect(formatRouteHeader(s)).toBe('deployment=b; reason=score; rank=2; attempt=2; fallback=1; candidates=5; filtered=capabilities:2,tier:1');
    expect(s.plan).toEqual(['a', 'b', 'c']);
    expect(builds()).toBe(0);
    expect(s.trace).toEqual({ scores: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
    expect(builds()).toBe(1);
  });

  it('serialises to every field, the trace included', () => {
    const s = summary('r1');
    expect(JSON.parse(JSON.stringify(s))).toEqual({
      requestId: 'r1', tenantId: 't1', requestedModel: 'pool', at: 1_700_000_000_000, servedDeploymentId: 'a', rank: 1, attempt: 1,
      reason: 'score', candidates: 5, filtered: { capabilities: 2, tier: 1 }, attempts: [{ attempt: 1, deploymentId: 'a', outcome: 'ok', latencyMs: 5 }],
      plan: ['a'], trace: { scores: [{ id: 'a' }] },
    });
  });

  it('carries the scheduler trace of a real plan', () => {
    const { scheduler } = testScheduler();
    const plan = scheduler.plan(request(), candidates(deployment('a', 'standard'), deployment('b', 'standard')));
    const served = plan.attempts[0]?.id as string;
    const s = summarizeRoute(base('r1'), plan, [{ attempt: 1, deploymentId: served, outcome: 'ok', latencyMs: 5 }], served);
    const trace = JSON.parse(JSON.stringify(s)).trace as { plan: string[]; scores: { id: string }[] };
    expect(trace.plan).toEqual(s.plan);
    expect(trace.scores.map((x) => x.id).sort()).toEqual(['a', 'b']);
  });

  it('omits the filtered part of the header when no filter removed anything', () => {
    const s = summarizeRoute(base('r1'), { ...countingPlan(['a']).plan, filtered: {} }, [{ attempt: 1, deploymentId: 'a', outcome: 'ok', latencyMs: 1 }], 'a');
    expect(formatRouteHeader(s)).toBe('deployment=a; reason=score; rank=1; attempt=1; fallback=0; candidates=5');
  });
});

describe('trace store', () => {
  it('keeps the newest `capacity` summaries, evicting the oldest first', () => {
    const store = new TraceStore(3);
    for (let i = 1; i <= 5; i++) store.put(summary(`r${i}`));
    expect(['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => store.get(id) !== undefined)).toEqual([false, false, true, true, true]);
    // Many more than the capacity: still exactly the newest three.
    for (let i = 6; i <= 1_000; i++) store.put(summary(`r${i}`));
    expect(['r997', 'r998', 'r999', 'r1000'].map((id) => store.get(id) !== undefined)).toEqual([false, true, true, true]);
  });

  it('replaces a request kept already without changing its age', () => {
    const store = new TraceStore(2);
    store.put(summary('r1'));
    store.put(summary('r2'));
    const again = summarizeRoute(base('r1'), countingPlan(['b']).plan, [{ attempt: 2, deploymentId: 'b', outcome: 'ok', latencyMs: 1 }], 'b');
    store.put(again);
    expect(store.get('r1')?.servedDeploymentId).toBe('b');
    store.put(summary('r3'));
    expect(store.get('r1')).toBeUndefined();
    expect(store.get('r2')).toBeDefined();
    expect(store.get('r3')).toBeDefined();
  });

  it('reads are tenant-scoped and answer plain data with the trace built', () => {
    const store = new TraceStore();
    store.put(summary('r1', 'acme'));
    expect(store.get('r1', 'other')).toBeUndefined();
    const read = store.get('r1', 'acme') as RouteSummary;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.keys(read)).toContain('trace');
    expect(read.trace).toEqual({ scores: [{ id: 'a' }] });
    expect(store.get('r1')?.tenantId).toBe('acme');
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new TraceStore(0)).toThrow(RangeError);
    expect(() => new TraceStore(1.5)).toThrow(RangeError);
  });
});
