import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../src/gateway/resilience/retry-budget.js';

function clockAt(ms: { now: number }) {
  return { now: () => ms.now };
}

describe('retry budget', () => {
  it('allows the initial allowance, then retries only in proportion to first attempts', () => {
    const t = { now: 0 };
    const budget = new RetryBudget(clockAt(t), { ratio: 0.25, maxTokens: 2 });
    expect([budget.tryRetry('d'), budget.tryRetry('d'), budget.tryRetry('d')]).toEqual([true, true, false]);
    for (let i = 0; i < 3; i++) budget.recordFirstAttempt('d');
    expect(budget.tryRetry('d')).toBe(false); // 0.75 tokens
    budget.recordFirstAttempt('d');
    expect(budget.tryRetry('d')).toBe(true); // 1.0 token
    expect(budget.tryRetry('d')).toBe(false);
  });

  it('keeps deployments apart and forgets idle buckets', () => {
    const t = { now: 0 };
    const budget = new RetryBudget(clockAt(t), { ratio: 0.1, maxTokens: 1, idleMs: 1_000 });
    expect(budget.tryRetry('a')).toBe(true);
    expect(budget.tryRetry('a')).toBe(false);
    expect(budget.tryRetry('b')).toBe(true);
    t.now = 5_000;
    expect(budget.tryRetry('a')).toBe(true);
  });
});
