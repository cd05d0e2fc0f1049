/**
 * Live proof (issue 4 §9): three fake upstreams behind ONE alias. Mid-test one goes dark (resets,
 * then hangs before headers), one slows ×6 and one answers 429 storms with Retry-After. A
 * bounded load of non-stream requests (concurrency 8) sees zero client errors; the dark one's
 * breaker opens (health API, decision traces, ledger) and, once it recovers, half-open probes
 * close it again and it serves traffic.
 *
 * Timeouts are short (attempt 2.5 s), the breaker's open time is 3–4 s and the peak-EWMA latency
 * forgets in about a second, so the test runs in about 20 s; the margins below are wide on purpose.
 *
 * Half-open probes reach the recovered deployment both through live traffic (it then scores
 * better than the slow one; the 429 storm keeps the third throttled) and through the hub's
 * active health checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { adminJson, adminLogin, startTestHub, TEST_KEY, type TestHub } from './harness.js';

const CONCURRENCY = 8;
const MAX_REQUESTS = 2_500;
/** Normal upstream latency; the slow one goes to ×6. Large next to the hub's own overhead under load. */
const BASE_DELAY_MS = 100;

interface Sent {
  requestId: string;
  status: number;
  route: string;
  sentAt: number;
  doneAt: number;
}

interface Health {
  deploymentId: string;
  state: string;
  breaker: string;
  breakerOpenUntil?: number;
}

let dark: FakeUpstream;
let slow: FakeUpstream;
let storm: FakeUpstream;
let hub: TestHub;
let adminToken: string;

beforeAll(async () => {
  [dark, slow, storm] = await Promise.all([startOpenAiFake(), startOpenAiFake(), startOpenAiFake()]);
  for (const f of [dark, slow, storm]) f.setDefault({ kind: 'ok', delayMs: BASE_DELAY_MS });
  const yaml = fakeHubYaml({
    providers: [
      { id: 'p-dark', kind: 'openai-compatible', baseUrl: dark.url },
      { id: 'p-slow', kind: 'openai-compatible', baseUrl: slow.url },
      { id: 'p-storm', kind: 'openai-compatible', baseUrl: storm.url },
    ],
    deployments: [
      { id: 'dep-dark', provider: 'p-dark', model: 'm-dark', price: { input: 1, output: 1 } },
      { id: 'dep-slow', provider: 'p-slow', model: 'm-slow', price: { input: 1, output: 1 } },
      { id: 'dep-storm', provider: 'p-storm', model: 'm-storm', price: { input: 1, output: 1 } },
    ],
    aliases: [{ name: 'pool', members: [{ deployment: 'dep-dark' }, { deployment: 'dep-slow' }, { deployment: 'dep-storm' }] }],
  });
  hub = await startTestHub({
    yaml,
    gateway: { attemptTimeoutMs: 2_500, firstByteTimeoutMs: 2_500 },
    // Time constants scaled to a 15 s test: a short breaker open time, and a peak-EWMA latency
    // that forgets a cold-start outlier within about a second.
    scheduler: { breaker: { openMs: 3_000, maxOpenMs: 4_000 }, latency: { peakTauMs: 1_000 } },
  });
  adminToken = await adminLogin(hub);
});
afterAll(async () => {
  await hub?.close();
  await Promise.all([dark?.close(), slow?.close(), storm?.close()]);
});

async function darkHealth(): Promise<Health> {
  const body = await adminJson<{ data: Health[] }>(hub, adminToken, 'GET', '/deployments/health');
  return body.data.find((h) => h.deploymentId === 'dep-dark') as Health;
}


/** Bounded load: CONCURRENCY workers until `stop()` or MAX_REQUESTS. */
function startLoad(): { sent: Sent[]; stop(): Promise<void> } {
  const sent: Sent[] = [];
  let stopped = false;
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (!stopped && issued < MAX_REQUESTS) {
      issued++;
      const sentAt = Date.now();
      const res = await fetch(`${hub.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'pool', messages: [{ role: 'user', content: `request ${issued}` }], max_tokens: 16 }),
      });
      await res.text();
      sent.push({ requestId: res.headers.get('x-request-id') ?? '', status: res.status, route: res.headers.get('x-zhongshu-route') ?? '', sentAt, doneAt: Date.now() });
    }
  };
  const workers = Array.from({ length: CONCURRENCY }, worker);
  return { sent, stop: async () => { stopped = true; await Promise.all(workers); } };
}

/** Polls `probe` every 50 ms until it returns a value, or fails after `timeoutMs`. */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('live proof: one alias, three upstreams, three kinds of trouble', () => {
  it('serves every request while one upstream is dark, one slow and one throttled; the breaker opens and closes', { timeout: 90_000 }, async () => {
    const load = startLoad();
    try {
      await waitFor('warm-up', 5_000, async () => (load.sent.length >= 40 ? true : undefined));

      // Trouble: dark resets three connections then hangs before headers; slow ×6; 429 storm.
      const faultsAt = Date.now();
      dark.program({ kind: 'reset-before-headers' }, { kind: 'reset-before-headers' }, { kind: 'reset-before-headers' });
      dark.setDefault({ kind: 'stall-before-headers', ms: 20_000 });
      slow.setDefault({ kind: 'ok', delayMs: BASE_DELAY_MS * 6 });
      storm.setDefault({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });

      // The dark one's breaker opens; keep a snapshot seen well before it half-opens.
      const open = await waitFor('the breaker of dep-dark to open', 10_000, async () => {
        const seenAt = Date.now();
        const h = await darkHealth();
        return h.breaker === 'open' && h.breakerOpenUntil !== undefined && h.breakerOpenUntil - seenAt >= 1_500 ? { seenAt, openUntil: h.breakerOpenUntil, state: h.state } : undefined;
      });
      expect(open.state).toBe('offline');
      await waitFor('the open period to pass', 10_000, async () => (Date.now() > open.openUntil + 500 ? true : undefined));

      // Recovery: the dark one answers again; half-open probes close its breaker.
      const recoveredAt = Date.now();
      dark.setDefault({ kind: 'ok', delayMs: BASE_DELAY_MS });
      const closedAt = await waitFor('the breaker of dep-dark to close', 15_000, async () => {
        const h = await darkHealth();
        return h.breaker === 'closed' ? Date.now() : undefined;
      });
      await waitFor('dep-dark to serve again', 10_000, async () =>
        load.sent.filter((s) => s.sentAt > closedAt && s.route.startsWith('deployment=dep-dark;')).length >= 3 ? true : undefined);
      await load.stop();

      // 1. Zero client errors, and the alias kept serving from the healthy alternatives.
      const failed = load.sent.filter((s) => s.status !== 200);
      expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
      expect(load.sent.length).toBeGreaterThan(100);
      expect(load.sent.length).toBeLessThan(MAX_REQUESTS);

      // 2. Decision traces: requests planned while the breaker was open left dep-dark out.
      const duringOpen = load.sent.filter((s) => s.sentAt >= open.seenAt + 50 && s.doneAt <= open.openUntil - 50);
      expect(duringOpen.length).toBeGreaterThan(5);
      for (const s of duringOpen) {
        const trace = await adminJson<{ plan: string[]; filtered: Record<string, number> }>(hub, adminToken, 'GET', `/traces/${s.requestId}`);
        expect(trace.plan).not.toContain('dep-dark');
        expect(trace.filtered.breaker).toBe(1);
        expect(s.route).toMatch(/filtered=.*breaker:1/);
      }

      // 3. The ledger tells the story.
      const rows = (await hub.usage()).filter((r) => r.finishedAt >= faultsAt);
      const darkRows = rows.filter((r) => r.deploymentId === 'dep-dark');
      const darkFailures = darkRows.filter((r) => r.startedAt < recoveredAt && r.status !== 'ok');
      expect(darkFailures.length).toBeGreaterThanOrEqual(5);
      const codes = new Set(darkFailures.map((r) => r.errorCode));
      expect(codes.has('upstream_timeout')).toBe(true);
      for (const code of codes) expect(['upstream_connection_failed', 'upstream_timeout']).toContain(code);
      // Nothing dispatched to it while open (a plan made just before the trip may still reach it
      // for a moment: 1 s of margin).
      expect(darkRows.filter((r) => r.startedAt >= open.seenAt + 1_000 && r.startedAt < open.openUntil - 20)).toEqual([]);
      expect(darkRows.filter((r) => r.startedAt >= closedAt && r.status === 'ok').length).toBeGreaterThanOrEqual(3);
      // The 429 storm: throttled attempts answered 429 and the request went elsewhere.
      const stormRows = rows.filter((r) => r.deploymentId === 'dep-storm');
      expect(stormRows.some((r) => r.errorCode === 'upstream_rate_limited')).toBe(true);
      expect(load.sent.some((s) => /filtered=.*throttled:1/.test(s.route))).toBe(true);
      // The slow one carried the load meanwhile.
      expect(rows.filter((r) => r.deploymentId === 'dep-slow' && r.status === 'ok').length).toBeGreaterThan(20);
      // Every request has exactly one successful row.
      const okRows = rows.filter((r) => r.status === 'ok');
      expect(new Set(okRows.map((r) => r.requestId)).size).toBe(okRows.length);
    } finally {
      await load.stop();
    }
  });
});
