/**
 * Accounting correctness suite (issue 3 §7, DESIGN.md §6 invariants 2 and 3), run for every
 * adapter kind against a fault-programmable fake upstream: one fake and one real hub per kind.
 * Every scenario ends with a ledger ↔ meter reconciliation (accounting-reconcile.ts).
 * What is compared exactly and what is estimated: README.md beside this file.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/core/domain.js';
import { eventually, startTestHub, type TestHub } from '../e2e/harness.js';
import { countTokens, type FakeUpstream, type OkBehaviour } from '../fakes/index.js';
import { chat, keyWithBudget, metricValue, stream } from './accounting-client.js';
import { FAKE_SECRET, KINDS, SECRET_ENV, kindHubYaml, type KindCase } from './accounting-kinds.js';
import { PRICE_A, PRICE_B, expectedCost } from './accounting-prices.js';
import { MeterTracker, reconcile } from './accounting-reconcile.js';

const LONG_TEXT = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty';

/** Fixed usage; Anthropic also reports a cache write. `input` is in OpenAI semantics (includes cache). */
function fixedUsage(k: KindCase): { ok: OkBehaviour; input: number; cached: number; cacheWrite: number; output: number } {
  const cacheWrite = k.cacheWrite ? 111 : 0;
  const ok: OkBehaviour = { kind: 'ok', text: 'fixed usage answer', promptTokens: 1234, completionTokens: 567, cachedTokens: 200, ...(k.cacheWrite ? { cacheWriteTokens: cacheWrite } : {}) };
  // Anthropic's promptTokens is input_tokens, the uncached part; OpenAI's includes the cached part.
  const input = k.kind === 'anthropic' ? 1234 + 200 + cacheWrite : 1234;
  return { ok, input, cached: 200, cacheWrite, output: 567 };
}

describe.each(KINDS)('accounting through the $kind adapter', (k) => {
  let fake: FakeUpstream;
  let hub: TestHub;
  let tracker: MeterTracker;

  const rowsOf = (rows: UsageEvent[], requestId: string): UsageEvent[] => rows.filter((r) => r.requestId === requestId);

  beforeAll(async () => {
    fake = await k.fake();
    hub = await startTestHub({ yaml: kindHubYaml(k, fake), env: { [SECRET_ENV]: FAKE_SECRET } });
  });
  afterAll(async () => {
    await hub?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    tracker = new MeterTracker(fake);
  });

  it('1. the same usage costs the same streamed or not, = the BigInt price formula', async () => {
    const u = fixedUsage(k);
    fake.program(u.ok, u.ok);
    const plain = await tracker.track({ billedCalls: 1 }, () => chat(hub, 'acct'));
    const streamed = await tracker.track({ billedCalls: 1 }, () => stream(hub, 'acct'));
    expect([plain.status, streamed.status]).toEqual([200, 200]);
    expect(streamed.text).toBe('fixed usage answer');
    // half up: 1 + 1 tokens at 0.25/1M = 0.5 micro-units → 1
    fake.program({ kind: 'ok', promptTokens: 1, completionTokens: 1 }, { kind: 'ok', promptTokens: 1, completionTokens: 1 });
    const halfPlain = await tracker.track({ billedCalls: 1 }, () => chat(hub, 'halfup'));
    const halfStreamed = await tracker.track({ billedCalls: 1 }, () => stream(hub, 'halfup'));

    const rows = await hub.usage();
    const want = expectedCost({ input: u.input, output: u.output, cached: u.cached, cacheWrite: u.cacheWrite }, PRICE_A);
    for (const [res, isStream] of [[plain, false], [streamed, true]] as const) {
      const mine = rowsOf(rows, res.requestId);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        stream: isStream, status: 'ok', usageSource: 'provider', unpriced: false, deploymentId: 'acct',
        inputTokens: u.input, outputTokens: u.output, cachedInputTokens: u.cached, cacheWriteTokens: u.cacheWrite,
      });
      expect(BigInt(mine[0]?.costMicros ?? -1)).toBe(want);
    }
    for (const res of [halfPlain, halfStreamed]) {
      expect(rowsOf(rows, res.requestId).map((r) => [r.costMicros, r.usageSource])).toEqual([[1, 'provider']]);
    }
    reconcile(tracker, fake, rows);
  });

  it('2. a client abort mid-stream writes one client_aborted row with the tokens produced so far', async () => {
    fake.program({ kind: 'ok', text: LONG_TEXT, chunkDelayMs: 40 });
    const res = await tracker.track({ billedCalls: 1, fullDelivery: false }, () => stream(hub, 'acct', 3));
    expect(res.status).toBe(200);
    expect(res.text.length).toBeGreaterThan(0);
    expect(res.text.length).toBeLessThan(LONG_TEXT.length);
    let mine: UsageEvent[] = [];
    await eventually(async () => {
      mine = rowsOf(await hub.usage(), res.requestId);
      expect(mine).toHaveLength(1);
    });
    const row = mine[0] as UsageEvent;
    expect(row).toMatchObject({ status: 'client_aborted', errorCode: 'client_closed_request', stream: true, usageSource: 'estimated' });
    expect(row.outputTokens).toBeGreaterThanOrEqual(countTokens(res.text));
    expect(row.outputTokens).toBeLessThan(countTokens(LONG_TEXT));
    expect(row.costMicros).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);
    reconcile(tracker, fake, await hub.usage());
  });

  it.each([
    ['reset-after-chunks', { kind: 'reset-after-chunks', chunks: 5 }],
    ['midstream-error', { kind: 'midstream-error', afterChunks: 5 }],
    ['malformed-json', { kind: 'malformed-json', afterChunks: 5 }],
  ] as const)('3. upstream death mid-stream (%s) writes one upstream_error row, no retry', async (_name, fault) => {
    fake.program({ ...fault, ok: { kind: 'ok', text: LONG_TEXT, chunkDelayMs: 15 } });
    const res = await tracker.track({ billedCalls: 1 }, () => stream(hub, 'acct'));
    expect(res.status).toBe(200);
    expect(res.text.length).toBeGreaterThan(0);
    // the stream ends with an error event, not with [DONE]
    expect(res.events.some((e) => typeof e === 'object' && e !== null && 'error' in e)).toBe(true);
    expect(res.events).not.toContain('[DONE]');
    const mine = rowsOf(await hub.usage(), res.requestId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'upstream_error', stream: true, attempt: 1 });
    expect(mine[0]?.outputTokens).toBeGreaterThan(0);
    expect(mine[0]?.outputTokens).toBe(countTokens(res.text));
    expect(fake.requests).toHaveLength(1);
    reconcile(tracker, fake, await hub.usage());
  });

  it('4a. a fallback writes one row per attempt, each priced at its own deployment', async () => {
    fake.program({ kind: 'status', status: 500 }, { kind: 'ok', promptTokens: 100, completionTokens: 50, cachedTokens: 10 });
    const res = await tracker.track({ billedCalls: 1 }, () => chat(hub, 'pool'));
    expect(res.status).toBe(200);
    const mine = rowsOf(await hub.usage(), res.requestId);
    expect(mine.map((r) => [r.attempt, r.status, r.usageSource, r.costMicros])).toEqual([
      [1, 'upstream_error', 'none', 0],
      [2, 'ok', 'provider', expect.any(Number)],
    ]);
    const [failed, served] = mine as [UsageEvent, UsageEvent];
    expect(served.deploymentId).not.toBe(failed.deploymentId);
    const input = k.kind === 'anthropic' ? 110 : 100;
    const price = served.deploymentId === 'acct' ? PRICE_A : PRICE_B;
    expect(BigInt(served.costMicros)).toBe(expectedCost({ input, output: 50, cached: 10, cacheWrite: 0 }, price));
    reconcile(tracker, fake, await hub.usage());
  });

  it('4b. a retry on one deployment and a streamed fallback write one row per attempt', async () => {
    fake.program({ kind: 'status', status: 500 }, { kind: 'ok', promptTokens: 40, completionTokens: 30 });
    const retried = await tracker.track({ billedCalls: 1 }, () => chat(hub, 'acct-b'));
    fake.program({ kind: 'status', status: 503 }, { kind: 'ok', promptTokens: 70, completionTokens: 20 });
    const streamed = await tracker.track({ billedCalls: 1 }, () => stream(hub, 'pool'));
    expect([retried.status, streamed.status]).toEqual([200, 200]);
    const rows = await hub.usage();
    const r = rowsOf(rows, retried.requestId);
    expect(r.map((x) => [x.attempt, x.deploymentId, x.status, x.usageSource, x.costMicros])).toEqual([
      [1, 'acct-b', 'upstream_error', 'none', 0],
      [2, 'acct-b', 'ok', 'provider', Number(expectedCost({ input: 40, output: 30, cached: 0, cacheWrite: 0 }, PRICE_B))],
    ]);
    const s = rowsOf(rows, streamed.requestId);
    expect(s.map((x) => [x.attempt, x.status, x.usageSource, x.stream])).toEqual([
      [1, 'upstream_error', 'none', true],
      [2, 'ok', 'provider', true],
    ]);
    const servedPrice = s[1]?.deploymentId === 'acct' ? PRICE_A : PRICE_B;
    expect(BigInt(s[1]?.costMicros ?? -1)).toBe(expectedCost({ input: 70, output: 20, cached: 0, cacheWrite: 0 }, servedPrice));
    reconcile(tracker, fake, rows);
  });

  it('5. explicit zero usage is kept (provider, 0 tokens, 0 cost), not replaced by an estimate', async () => {
    fake.program({ kind: 'ok', usage: 'zero' }, { kind: 'ok', usage: 'zero' });
    const plain = await tracker.track({ billedCalls: 1, reportsZero: true }, () => chat(hub, 'acct'));
    const streamed = await tracker.track({ billedCalls: 1, reportsZero: true }, () => stream(hub, 'acct'));
    const rows = await hub.usage();
    for (const res of [plain, streamed]) {
      expect(res.status).toBe(200);
      const mine = rowsOf(rows, res.requestId);
      expect(mine.map((r) => [r.status, r.usageSource, r.inputTokens, r.outputTokens, r.costMicros])).toEqual([['ok', 'provider', 0, 0, 0]]);
    }
    // the upstream still billed real tokens: the hub bills what the provider reported
    expect(fake.meter.outputTokens).toBeGreaterThan(0);
    reconcile(tracker, fake, rows);
  });

  it('5b. a usage-less answer is estimated: output exact, input + framing', async () => {
    fake.program({ kind: 'ok', usage: 'none', text: LONG_TEXT }, { kind: 'ok', usage: 'none', text: LONG_TEXT });
    const plain = await tracker.track({ billedCalls: 1 }, () => chat(hub, 'acct'));
    const streamed = await tracker.track({ billedCalls: 1 }, () => stream(hub, 'acct'));
    const rows = await hub.usage();
    for (const res of [plain, streamed]) {
      expect(res.status).toBe(200);
      const mine = rowsOf(rows, res.requestId);
      expect(mine.map((r) => [r.status, r.usageSource, r.outputTokens])).toEqual([['ok', 'estimated', countTokens(LONG_TEXT)]]);
    }
    reconcile(tracker, fake, rows);
  });

  it('6a. an unpriced deployment is flagged (unpriced, cost 0) and counted in zhongshu_unpriced_attempts_total', async () => {
    const before = await metricValue(hub, 'zhongshu_unpriced_attempts_total', { deployment: 'free' });
    fake.program({ kind: 'ok', promptTokens: 9, completionTokens: 4 }, { kind: 'ok', promptTokens: 9, completionTokens: 4 });
    const plain = await tracker.track({ billedCalls: 1 }, () => chat(hub, 'free'));
    const streamed = await tracker.track({ billedCalls: 1 }, () => stream(hub, 'free'));
    const rows = await hub.usage();
    for (const res of [plain, streamed]) {
      expect(res.status).toBe(200);
      expect(rowsOf(rows, res.requestId).map((r) => [r.status, r.unpriced, r.costMicros, r.outputTokens])).toEqual([['ok', true, 0, 4]]);
    }
    expect(await metricValue(hub, 'zhongshu_unpriced_attempts_total', { deployment: 'free' })).toBe(before + 2);
    reconcile(tracker, fake, rows);
  });

  it('6b. a budget on the key refuses an unpriced deployment with 402, without calling the upstream', async () => {
    const key = await keyWithBudget(hub, `acct-${k.kind}-refused`, 1_000_000);
    const refused = await chat(hub, 'free', key.key);
    expect(refused.status).toBe(402);
    expect(fake.requests).toHaveLength(0);
    expect(rowsOf(await hub.usage(), refused.requestId)).toEqual([]);
    // the same key may spend on a priced deployment: the refusal is about the missing price
    // (`whole`: integer micro-units per token, see 6d for any other price)
    fake.program({ kind: 'ok', promptTokens: 3, completionTokens: 2 });
    const priced = await tracker.track({ billedCalls: 1 }, () => chat(hub, 'whole', key.key));
    expect(priced.status).toBe(200);
    const rows = await hub.usage();
    expect(rowsOf(rows, priced.requestId).map((r) => [r.keyId, r.costMicros])).toEqual([[key.id, 3 * 1 + 2 * 2]]);
    reconcile(tracker, fake, rows);
  });

  // HUB BUG (see README.md §Known hub bugs): the scheduler's budget gate filters the unpriced
  // deployment out, and pipeline.ts emptyPlanError() reports it as `budget_exceeded`, so the
  // catalog's `unpriced_model` is unreachable. Flip to `it` once fixed.
  it('6c. that refusal says unpriced_model (not budget_exceeded)', async () => {
    const key = await keyWithBudget(hub, `acct-${k.kind}-code`, 1_000_000);
    const refused = await chat(hub, 'free', key.key);
    expect(refused.body.error?.code).toBe('unpriced_model');
  });

  // HUB BUG (see README.md §Known hub bugs): scheduler-filters.ts worstCaseMicros() returns a
  // fractional worst case; budget-gate.ts passes it to convertMicros(), which throws
  // internal_error → HTTP 500 for any priced request under a budget unless price × tokens
  // happens to be a whole number of micro-units. Flip to `it` once fixed.
  it('6d. with a budget on the key, a deployment with an ordinary price is served', async () => {
    const key = await keyWithBudget(hub, `acct-${k.kind}-priced`, 1_000_000);
    fake.program({ kind: 'ok', promptTokens: 3, completionTokens: 2 });
    const res = await chat(hub, 'acct', key.key);
    expect(res.status).toBe(200);
    const rows = rowsOf(await hub.usage(), res.requestId);
    expect(rows.map((r) => BigInt(r.costMicros))).toEqual([expectedCost({ input: 3, output: 2, cached: 0, cacheWrite: 0 }, PRICE_A)]);
  });
});
