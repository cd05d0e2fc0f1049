import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/domain.js';
import { HubError } from '../../src/core/errors.js';
import { createBudgetAlerts } from '../../src/gateway/limits/budget-alerts.js';
import { createBudgetGate, pressureOf } from '../../src/gateway/limits/budget-gate.js';
import { createMemoryBudgetLedger } from '../../src/gateway/limits/budget-memory.js';
import { validateBudgets } from '../../src/gateway/limits/budget-validate.js';
import { budgetDeniedError, budgetScopesOf, type BudgetDefinition, type BudgetStatus } from '../../src/gateway/limits/budget.js';
import { manualClock } from './manual-clock.js';

const base: BudgetDefinition = { id: 'b1', scope: 'tenant:t1', period: 'month', limitMicros: 1_000, currency: 'USD', mode: 'hard' };

function deployment(price: Deployment['price']): Deployment {
  return { id: 'd', providerId: 'p', model: 'm', tier: 'standard', capabilities: [], contextWindow: 8_000, price, limits: {}, weight: 1, status: 'enabled' };
}

function status(partial: Partial<BudgetStatus>): BudgetStatus {
  return { budgetId: 'b', scope: 'tenant:t1', period: 'month', periodStart: 0, periodEnd: 1, mode: 'hard', currency: 'USD', limitMicros: 1_000, spentMicros: 0, reservedMicros: 0, ...partial };
}

describe('budget definitions', () => {
  it('accepts valid definitions and freezes them', () => {
    const [b] = validateBudgets([{ ...base, alertThresholds: [25, 75], timeZone: 'UTC' }]);
    expect(Object.isFrozen(b)).toBe(true);
  });

  it.each([
    [{ id: '' }, /budgets\[0\]\.id/],
    [{ scope: 'org:x' }, /budgets\[0\]\.scope/],
    [{ period: 'week' }, /budgets\[0\]\.period/],
    [{ limitMicros: 1.5 }, /limitMicros/],
    [{ limitMicros: -1 }, /limitMicros/],
    [{ currency: 'EUR' }, /currency/],
    [{ mode: 'soft' }, /mode/],
    [{ alertThresholds: [0] }, /alertThresholds/],
    [{ timeZone: 'Nowhere/City' }, /timeZone/],
  ])('rejects %o', (patch, message) => {
    expect(() => validateBudgets([{ ...base, ...patch } as BudgetDefinition])).toThrow(message);
  });

  it('rejects duplicate ids, also through the ledger', () => {
    expect(() => validateBudgets([base, base])).toThrow(/unique/);
    const ledger = createMemoryBudgetLedger({ clock: manualClock() });
    expect(() => ledger.setBudgets([base, base])).toThrow(HubError);
  });
});

describe('setBudgets', () => {
  it('keeps the state of unchanged budgets and raises limits immediately', async () => {
    const ledger = createMemoryBudgetLedger({ clock: manualClock(), budgets: [base] });
    const r = await ledger.reserve('r', ['tenant:t1'], { micros: 1_000, currency: 'USD' });
    expect(r.ok).toBe(true);
    expect(await ledger.reserve('r2', ['tenant:t1'], { micros: 1, currency: 'USD' })).toMatchObject({ ok: false });
    ledger.setBudgets([{ ...base, limitMicros: 2_000 }]);
    expect(await ledger.reserve('r3', ['tenant:t1'], { micros: 1_000, currency: 'USD' })).toMatchObject({ ok: true });
    ledger.setBudgets([]);
    expect(await ledger.reserve('r4', ['tenant:t1'], { micros: 10 ** 9, currency: 'USD' })).toMatchObject({ ok: true, degrade: [] });
  });

  it('refuses a cost in a currency the FX table cannot convert, changing nothing', async () => {
    const ledger = createMemoryBudgetLedger({ clock: manualClock(), budgets: [{ ...base, currency: 'CNY' }] });
    await expect(ledger.reserve('r', ['tenant:t1'], { micros: 1, currency: 'USD' })).rejects.toThrow(/fx\.USD_CNY/);
    ledger.setFxTable({ USD_CNY: '7' });
    expect(await ledger.reserve('r', ['tenant:t1'], { micros: 100, currency: 'USD' })).toMatchObject({ ok: true, reservation: { holds: [{ micros: 700 }] } });
  });
});

describe('budget gate for the scheduler', () => {
  const snapshot = { at: 0, budgets: [status({ budgetId: 'hard', limitMicros: 7_200, spentMicros: 5_000, currency: 'CNY' }), status({ budgetId: 'soft', mode: 'degrade', limitMicros: 100, spentMicros: 100 })] };
  const fx = { USD_CNY: '7.2' };

  it('allows a deployment only if its worst case fits every hard budget', () => {
    const gate = createBudgetGate(snapshot, fx);
    const usd = deployment({ currency: 'USD', inputPerMTok: 1, outputPerMTok: 1 });
    expect(gate.allows(usd, 305)).toBe(true); // 2 196 µ¥ ≤ 2 200 left
    expect(gate.allows(usd, 306)).toBe(false); // 2 203.2 → 2 204 µ¥
    expect(gate.allows(usd, 0)).toBe(true);
    expect(gate.allows(deployment(undefined), undefined)).toBe(false);
    expect(createBudgetGate({ at: 0, budgets: [] }, fx).allows(deployment(undefined), undefined)).toBe(true);
    expect(gate.pressure()).toBe(1);
  });

  it('does not count the request against its own reservation', () => {
    const snap = { at: 0, budgets: [status({ budgetId: 'b', limitMicros: 1_000, reservedMicros: 600 })] };
    const own = { id: 'x', requestId: 'x', scopes: [], worstCase: undefined, holds: [{ budgetId: 'b', periodStart: 0, micros: 600 }], createdAt: 0, expiresAt: 1 };
    const usd = deployment({ currency: 'USD', inputPerMTok: 1, outputPerMTok: 1 });
    expect(createBudgetGate(snap, fx).allows(usd, 600)).toBe(false);
    expect(createBudgetGate(snap, fx, own).allows(usd, 600)).toBe(true);
    expect(createBudgetGate(snap, fx, own).pressure()).toBe(0);
  });

  it('pressure is the tightest share, clamped to 1; a zero limit is full', () => {
    expect(pressureOf([])).toBe(0);
    expect(pressureOf([status({ spentMicros: 250 }), status({ limitMicros: 100, reservedMicros: 50 })])).toBe(0.5);
    expect(pressureOf([status({ spentMicros: 5_000 })])).toBe(1);
    expect(pressureOf([status({ limitMicros: 0 })])).toBe(1);
  });
});

describe('budget errors and scopes', () => {
  it('maps denials to budget_exceeded / unpriced_model with a readable message', () => {
    const e = budgetDeniedError({ ok: false, reason: 'budget_exceeded', budgetId: 'b', scope: 'key:k1', period: 'day', currency: 'CNY', limit: 10_000_000, spent: 9_500_000, reserved: 400_000, requested: 250_000 });
    expect(e).toMatchObject({ code: 'budget_exceeded', status: 402 });
    expect(e.message).toBe('day budget of key:k1 would be exceeded: limit 10.000000 CNY, spent 9.500000 CNY, reserved 0.400000 CNY, this request may cost up to 0.250000 CNY');
    const u = budgetDeniedError({ ok: false, reason: 'unpriced', budgetId: 'b', scope: 'app:a', period: 'month', currency: 'USD', limit: 1, spent: 0, reserved: 0, requested: 0 });
    expect(u.code).toBe('unpriced_model');
  });

  it('derives the scopes of a principal, qualifying end users by tenant', () => {
    expect(budgetScopesOf({ tenantId: 't', appId: 'a', keyId: 'k' })).toEqual(['tenant:t', 'app:a', 'key:k']);
    expect(budgetScopesOf({ tenantId: 't', appId: 'a', keyId: 'k', endUser: 'u 1' })).toEqual(['tenant:t', 'app:a', 'key:k', 'end_user:t/u 1']);
  });
});

describe('budget alerts', () => {
  it('keeps a bounded, filterable list and survives a throwing or rejecting callback', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const alerts = createBudgetAlerts({
      clock: manualClock(),
      keepRecent: 3,
      onAlert: () => {
        calls += 1;
        if (calls === 1) throw new Error('webhook down');
        return Promise.reject(new Error('still down'));
      },
      onError: (e) => errors.push(e),
    });
    const b: BudgetDefinition = { ...base, alertThresholds: [10, 20, 30, 40] };
    expect(alerts.observe({ budget: b, periodStart: 0, periodEnd: 1, spentMicros: 400 }).map((e) => e.thresholdPercent)).toEqual([10, 20, 30, 40]);
    expect(alerts.observe({ budget: { ...b, id: 'other', scope: 'app:x' }, periodStart: 0, periodEnd: 1, spentMicros: 100 })).toHaveLength(1);
    await new Promise((r) => setImmediate(r));
    expect(errors).toHaveLength(5);
    expect(alerts.recent().map((e) => `${e.budgetId}:${e.thresholdPercent}`)).toEqual(['other:10', 'b1:40', 'b1:30']);
    expect(alerts.recent({ scopes: ['app:x'] })).toHaveLength(1);
    expect(alerts.recent({ limit: 1 })).toHaveLength(1);
  });
});
