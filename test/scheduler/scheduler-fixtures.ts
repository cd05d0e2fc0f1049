/** Small builders for scheduler tests: deployments, candidates, requests and a manual clock. */
import type { Deployment, Tier } from '../../src/core/domain.js';
import type { RouteCandidate, RouteRequest } from '../../src/core/scheduling.js';
import { createScheduler, type SchedulerConfigInput } from '../../src/gateway/scheduler/index.js';
import { mulberry32 } from '../../bench/schedule/sim-random.js';

export function deployment(id: string, tier: Tier, over: Partial<Deployment> = {}): Deployment {
  const price = { premium: [5, 15], standard: [0.5, 1.5], economy: [0.15, 0.6] }[tier];
  return {
    id,
    providerId: `p-${id}`,
    model: id,
    tier,
    capabilities: ['multilingual', 'code', 'function_calling'],
    contextWindow: 32_000,
    price: { currency: 'USD', inputPerMTok: (price[0] as number) * 1e6, outputPerMTok: (price[1] as number) * 1e6 },
    limits: { concurrency: 40, rpm: 1200 },
    weight: 1,
    status: 'enabled',
    ...over,
  };
}

export function candidates(...deployments: Deployment[]): RouteCandidate[] {
  return deployments.map((d) => ({ deployment: d, weight: 1, canary: false }));
}

export function request(over: Partial<RouteRequest> = {}): RouteRequest {
  return {
    requestId: 'r1',
    tenantId: 't1',
    stickyKey: 't1:u1',
    bizLevel: 'normal',
    costPreference: 'high',
    capabilities: [],
    inputTokens: 500,
    maxOutputTokens: 500,
    pinned: false,
    stream: false,
    ...over,
  };
}

export function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms), set: (ms: number) => void (now = ms) };
}

export function testScheduler(config?: SchedulerConfigInput, seed = 1) {
  const clock = manualClock();
  const events: import('../../src/core/scheduling.js').GrayEvent[] = [];
  const scheduler = createScheduler({ clock, random: mulberry32(seed), ...(config ? { config } : {}), onGrayEvent: (e) => events.push(e) });
  return { clock, scheduler, events };
}
