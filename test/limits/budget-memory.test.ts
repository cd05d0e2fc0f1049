import { describe, expect, it } from 'vitest';
import { createMemoryBudgetLedger } from '../../src/gateway/limits/budget-memory.js';
import { describeBudgetLedgerContract } from './budget-ledger-contract.js';
import { manualClock } from './manual-clock.js';

describeBudgetLedgerContract('memory', (fixture) => createMemoryBudgetLedger(fixture));

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

  it('refuses a malformed worst case or actual cost with a typed error', async () => {
    const ledger = createMemoryBudgetLedger({ clock: manualClock() });
    await expect(ledger.reserve('r', ['tenant:t1'], { micros: -1, currency: 'USD' })).rejects.toThrow(/worst case/);
    const r = await ledger.reserve('r', ['tenant:t1'], { micros: 1, currency: 'USD' });
    if (!r.ok) throw new Error('expected admission');
    await expect(ledger.settle(r.reservation, { micros: 0.5, currency: 'USD' })).rejects.toThrow(/actual cost/);
  });
});
