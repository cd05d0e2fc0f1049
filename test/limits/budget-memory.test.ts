import { describe, expect, it } from 'vitest';
import type { BudgetLedger } from '../../src/gateway/limits/budget.js';
import { createMemoryBudgetLedger, type MemoryBudgetLedger } from '../../src/gateway/limits/budget-memory.js';
import { describeBudgetLedgerContract } from './budget-ledger-contract.js';
import { manualClock } from './manual-clock.js';

describeBudgetLedgerContract('memory', (fixture) => createMemoryBudgetLedger(fixture));

/** The ledger with its request-path operations answered by the `sync` twin. */
function throughSync(ledger: MemoryBudgetLedger): BudgetLedger {
  const { sync } = ledger;
  return {
    ...ledger,
    reserve: async (requestId, scopes, worstCase, options) => sync.reserve(requestId, scopes, worstCase, options),
    settle: async (reservation, actual) => sync.settle(reservation, actual),
    release: async (reservation) => sync.release(reservation),
    snapshot: async (scopes) => sync.snapshot(scopes),
  };
}

describeBudgetLedgerContract('memory, sync twin', (fixture) => throughSync(createMemoryBudgetLedger(fixture)));

describe('memory budget ledger', () => {
  it('holds no memory for finished or expired reservations', async () => {
    const clock = manualClock();
    const ledger = createMemoryBudgetLedger({ clock, reservationTtlMs: 1_000, budgets: [{ id: 'b', scope: 'tenant:t1', period: 'day', limitMicros: 10 ** 9, currency: 'USD', mode: 'hard' }] });
    for (let i = 0; i < 500; i += 1) {
      const r = await ledger.reserve(`r${i}`, ['tenant:t1'], { micros: 10, currency: 'USD' });
      if (r.ok && i % 2 === 0) await ledger.settle(r.reservation, { micros: 5, currency: 'USD' });
    }
    expect(ledger.activeReservations()).toBe(250);
    clock.advance(1_000);
    await ledger.pressure(['tenant:t1']); // any call sweeps lazily once the interval passed
    expect(ledger.activeReservations()).toBe(0);
    expect((await ledger.snapshot()).budgets[0]).toMatchObject({ spentMicros: 1_250, reservedMicros: 0 });
  });

  it('its sync twin shares the state of the async methods and throws where they reject', async () => {
    const budgets = [{ id: 'b', scope: 'tenant:t1' as const, period: 'total' as const, limitMicros: 100, currency: 'USD' as const, mode: 'hard' as const }];
    const ledger = createMemoryBudgetLedger({ clock: manualClock(), budgets });
    const held = ledger.sync.reserve('r1', ['tenant:t1'], { micros: 60, currency: 'USD' });
    expect(held.ok).toBe(true);
    expect(await ledger.reserve('r2', ['tenant:t1'], { micros: 60, currency: 'USD' })).toMatchObject({ ok: false, reserved: 60 });
    if (!held.ok) return;
    expect(ledger.sync.settle(held.reservation, { micros: 30, currency: 'USD' })).toBe('settled');
    expect(await ledger.settle(held.reservation, { micros: 30, currency: 'USD' })).toBe('duplicate');
    expect(ledger.sync.snapshot(['tenant:t1']).budgets[0]).toMatchObject({ spentMicros: 30, reservedMicros: 0 });
    expect(() => ledger.sync.reserve('r3', ['tenant:t1'], { micros: -1, currency: 'USD' })).toThrow(/worst case/);
  });

  it('remembers finished reservations for the TTL: repeats are duplicates until then', async () => {
    const clock = manualClock();
    const budgets = [{ id: 'b', scope: 'tenant:t1' as const, period: 'total' as const, limitMicros: 10 ** 9, currency: 'USD' as const, mode: 'hard' as const }];
    const ledger = createMemoryBudgetLedger({ clock, reservationTtlMs: 60_000, budgets });
    const reserved = await Promise.all(Array.from({ length: 12 }, (_, i) => ledger.reserve(`req#${i}`, ['tenant:t1'], { micros: 10, currency: 'USD' })));
    const [a, b, ...rest] = reserved.map((r) => (r.ok ? r.reservation : undefined));
    if (!a || !b) throw new Error('expected admission');
    expect(await ledger.settle(a, { micros: 5, currency: 'USD' })).toBe('settled');
    expect(await ledger.release(b)).toBe(true);
    for (const r of rest) if (r) await ledger.release(r);
    // A copy of the reservation (same id) is recognised too; so is an id not made by this ledger.
    expect(await ledger.settle({ ...a }, { micros: 5, currency: 'USD' })).toBe('duplicate');
    expect(await ledger.release(b)).toBe(false);
    const foreign = { ...a, id: 'elsewhere-1' };
    expect(await ledger.settle(foreign, { micros: 5, currency: 'USD' })).toBe('late');
    expect(await ledger.settle(foreign, { micros: 5, currency: 'USD' })).toBe('duplicate');
    clock.advance(59_999);
    expect(await ledger.settle(a, { micros: 5, currency: 'USD' })).toBe('duplicate');
    clock.advance(1);
    await ledger.sweepExpired();
    // Forgotten after the TTL: a settle then counts as late (its cost is added).
    expect(await ledger.settle(a, { micros: 5, currency: 'USD' })).toBe('late');
    expect((await ledger.snapshot()).budgets[0]).toMatchObject({ spentMicros: 15, reservedMicros: 0 });
  });

  it('refuses a malformed worst case or actual cost with a typed error', async () => {
    const ledger = createMemoryBudgetLedger({ clock: manualClock() });
    await expect(ledger.reserve('r', ['tenant:t1'], { micros: -1, currency: 'USD' })).rejects.toThrow(/worst case/);
    const r = await ledger.reserve('r', ['tenant:t1'], { micros: 1, currency: 'USD' });
    if (!r.ok) throw new Error('expected admission');
    await expect(ledger.settle(r.reservation, { micros: 0.5, currency: 'USD' })).rejects.toThrow(/actual cost/);
  });
});
