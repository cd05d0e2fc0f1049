/**
 * Pure views over a BudgetSnapshot: budget pressure, and the synchronous `BudgetGate` the
 * scheduler consults per candidate (core/scheduling.ts). The gate answers for HARD budgets
 * only — degrade budgets never refuse, they raise pressure.
 */
import type { Deployment } from '../../core/domain.js';
import type { BudgetGate } from '../../core/scheduling.js';
import { convertMicros, type FxTable } from '../accounting/pricing-fx.js';
import type { BudgetReservation, BudgetSnapshot, BudgetStatus } from './budget.js';

/** 0..1 share of the tightest budget used by spend plus reservations; 0 with no budget. */
export function pressureOf(budgets: readonly BudgetStatus[]): number {
  let pressure = 0;
  for (const b of budgets) {
    const used = b.spentMicros + b.reservedMicros;
    const share = b.limitMicros === 0 ? 1 : used / b.limitMicros;
    pressure = Math.max(pressure, Math.min(1, share));
  }
  return pressure;
}

/** The snapshot minus what `own` holds, so a request is not blocked by its own reservation. */
function withoutOwn(budgets: readonly BudgetStatus[], own: BudgetReservation | undefined): BudgetStatus[] {
  if (own === undefined) return [...budgets];
  return budgets.map((b) => {
    const held = own.holds.filter((h) => h.budgetId === b.budgetId && h.periodStart === b.periodStart).reduce((sum, h) => sum + h.micros, 0);
    return held === 0 ? b : { ...b, reservedMicros: Math.max(0, b.reservedMicros - held) };
  });
}

/**
 * A scheduler BudgetGate over a snapshot taken at admission. `own`: the request's reservation,
 * when the snapshot was taken after reserving (its holds are not counted against itself).
 * An unpriced deployment (`worstCaseMicros` undefined) is allowed only when no budget applies.
 */
export function createBudgetGate(snapshot: BudgetSnapshot, fx: FxTable, own?: BudgetReservation): BudgetGate {
  const budgets = withoutOwn(snapshot.budgets, own);
  const pressure = pressureOf(budgets);
  return {
    allows(deployment: Deployment, worstCaseMicros: number | undefined): boolean {
      if (worstCaseMicros === undefined || deployment.price === undefined) return budgets.length === 0;
      const currency = deployment.price.currency;
      return budgets.every((b) => {
        if (b.mode !== 'hard') return true;
        const amount = convertMicros(worstCaseMicros, currency, b.currency, fx, 'ceil');
        return amount === 0 || b.spentMicros + b.reservedMicros + amount <= b.limitMicros;
      });
    },
    pressure: () => pressure,
  };
}
