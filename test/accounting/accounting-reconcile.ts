/**
 * Ledger ↔ meter reconciliation (scenario 7 of the accounting suite; rules in README.md).
 *
 * Each request a test makes is tracked with what the fake billed for it (a meter delta). At
 * the end of a scenario the ledger rows of those requests are checked against the deltas:
 *  - every billed upstream call has exactly one row carrying usage, every other row has none;
 *  - `provider` rows: Σ tokens = Σ meter tokens, and Σ cost = Σ price(meter delta) — each
 *    request priced at the deployment that served it, with the test's own BigInt formula;
 *  - `estimated` rows: output = meter output when the client got every chunk the upstream sent
 *    (0 < output ≤ meter output when the client left early); input = meter input + at most the
 *    OpenAI per-message framing the hub's estimate adds; cost = price(row tokens).
 */
import { expect } from 'vitest';
import type { UsageEvent } from '../../src/core/domain.js';
import { eventually } from '../e2e/harness.js';
import type { FakeMeter, FakeUpstream } from '../fakes/index.js';
import { PROMPT_FRAMING_TOKENS } from './accounting-client.js';
import { DEPLOYMENT_PRICES } from './accounting-kinds.js';
import { expectedCost, meterDelta, type Tokens } from './accounting-prices.js';

export interface Tracked {
  requestId: string;
  billed: Tokens & { billedRequests: number };
  /** The client received every chunk the upstream sent (false: the client left early). */
  fullDelivery: boolean;
  /** The upstream reported explicit zero usage while billing real tokens (scenario 5). */
  reportsZero: boolean;
}

export interface TrackOptions {
  /** Billed upstream calls to wait for (the fake bills an abandoned stream when it notices). */
  billedCalls: number;
  fullDelivery?: boolean;
  reportsZero?: boolean;
}

/** Records what the fake billed while `run` ran (waiting for late billing of aborted streams). */
export class MeterTracker {
  readonly tracked: Tracked[] = [];

  constructor(private readonly fake: FakeUpstream) {}

  async track<T extends { requestId: string }>(opts: TrackOptions, run: () => Promise<T>): Promise<T> {
    const before: FakeMeter = { ...this.fake.meter };
    const result = await run();
    await eventually(() => expect(this.fake.meter.billedRequests - before.billedRequests).toBe(opts.billedCalls));
    this.tracked.push({
      requestId: result.requestId,
      billed: meterDelta(this.fake.meter, before),
      fullDelivery: opts.fullDelivery ?? true,
      reportsZero: opts.reportsZero ?? false,
    });
    return result;
  }
}

function tokensOf(r: UsageEvent): Tokens {
  return { input: r.inputTokens, output: r.outputTokens, cached: r.cachedInputTokens, cacheWrite: r.cacheWriteTokens };
}

/** The test's own price of `t` at a deployment; 0 for the unpriced one. */
function costAt(deploymentId: string, t: Tokens): bigint {
  const price = DEPLOYMENT_PRICES[deploymentId];
  return price === undefined ? 0n : expectedCost(t, price);
}

function checkEstimated(row: UsageEvent, t: Tracked): void {
  if (t.fullDelivery) expect(row.outputTokens, 'estimated output = metered output').toBe(t.billed.output);
  else {
    expect(row.outputTokens).toBeGreaterThan(0);
    expect(row.outputTokens).toBeLessThanOrEqual(t.billed.output);
  }
  const framing = row.inputTokens - t.billed.input;
  expect(framing, 'estimated input − metered input').toBeGreaterThanOrEqual(0);
  expect(framing, 'estimated input − metered input').toBeLessThanOrEqual(PROMPT_FRAMING_TOKENS);
  expect(BigInt(row.costMicros)).toBe(costAt(row.deploymentId, tokensOf(row)));
}

/** Checks the rows of every tracked request against the meter; returns the sums compared. */
export function reconcile(tracker: MeterTracker, fake: FakeUpstream, rows: UsageEvent[]): { ledger: Tokens; meter: Tokens; cost: bigint } {
  const ledger: Tokens = { input: 0, output: 0, cached: 0, cacheWrite: 0 };
  const meter: Tokens = { input: 0, output: 0, cached: 0, cacheWrite: 0 };
  let ledgerCost = 0n;
  let meterCost = 0n;
  const total: Tokens = { input: 0, output: 0, cached: 0, cacheWrite: 0 };
  for (const t of tracker.tracked) {
    const mine = rows.filter((r) => r.requestId === t.requestId);
    const billed = mine.filter((r) => r.usageSource !== 'none');
    expect(billed.length, `rows with usage for ${t.requestId}`).toBe(t.billed.billedRequests);
    for (const r of mine.filter((x) => x.usageSource === 'none')) {
      expect([r.inputTokens, r.outputTokens, r.costMicros]).toEqual([0, 0, 0]);
    }
    for (const key of ['input', 'output', 'cached', 'cacheWrite'] as const) total[key] += t.billed[key];
    const row = billed[0];
    if (!row || t.reportsZero) continue;
    if (row.usageSource === 'estimated') {
      checkEstimated(row, t);
      continue;
    }
    for (const key of ['input', 'output', 'cached', 'cacheWrite'] as const) {
      ledger[key] += tokensOf(row)[key];
      meter[key] += t.billed[key];
    }
    ledgerCost += BigInt(row.costMicros);
    meterCost += costAt(row.deploymentId, t.billed);
  }
  expect(ledger, 'Σ provider-row tokens = Σ metered tokens').toEqual(meter);
  expect(ledgerCost, 'Σ provider-row cost = Σ price(meter)').toBe(meterCost);
  // Nothing was billed outside the tracked requests (e.g. a retry after the first byte).
  expect(total).toEqual({ input: fake.meter.inputTokens, output: fake.meter.outputTokens, cached: fake.meter.cachedInputTokens, cacheWrite: fake.meter.cacheWriteTokens });
  return { ledger, meter, cost: ledgerCost };
}
