/**
 * Single-node BudgetLedger. Every mutating method is one synchronous block (Node runs one
 * callback at a time), written in the two phases the Redis Lua script will follow:
 *   1. read and evaluate every budget (period roll-over, FX conversion, fit check) — no writes;
 *   2. only if all pass, write every budget.
 * So a reservation is atomic across all its scopes, at any number of concurrent requests.
 * The async methods and the `sync` twin are the same functions.
 */
import type { Clock } from '../../core/ports.js';
import { HubError } from '../../core/errors.js';
import { convertMicros, type FxTable, type Money } from '../accounting/pricing-fx.js';
import type { BudgetAlerts } from './budget-alerts.js';
import { FinishedReservations } from './budget-finished.js';
import { pressureOf } from './budget-gate.js';
import { assertTimeZone, DEFAULT_BUDGET_TIME_ZONE, periodWindow } from './budget-period.js';
import { validateBudgets } from './budget-validate.js';
import type {
  BudgetDefinition,
  BudgetHold,
  BudgetLedger,
  BudgetLedgerSync,
  BudgetReservation,
  BudgetScope,
  BudgetSnapshot,
  BudgetStatus,
  ReserveResult,
  SettleOutcome,
} from './budget.js';

export interface MemoryBudgetLedgerOptions {
  clock: Clock;
  /** Default IANA zone of calendar periods; default Asia/Shanghai. */
  timeZone?: string;
  budgets?: readonly BudgetDefinition[];
  fx?: FxTable;
  /** Reservation lifetime; default 10 minutes. */
  reservationTtlMs?: number;
  /** Expired reservations are swept at most this often, lazily, on calls; default 1 000 ms. */
  sweepIntervalMs?: number;
  alerts?: BudgetAlerts;
}

export interface MemoryBudgetLedger extends BudgetLedger {
  readonly sync: BudgetLedgerSync;
  /** Reservations currently held (tests, metrics). */
  activeReservations(): number;
}

interface PeriodState {
  start: number;
  end: number;
  spent: number;
  reserved: number;
}

interface ActiveReservation {
  reservation: BudgetReservation;
  /** The ledger sequence number ending the reservation's id. */
  sequence: number;
  expiresAt: number;
}

function requireMicros(money: Money, what: string): void {
  if (!Number.isSafeInteger(money.micros) || money.micros < 0) {
    throw new HubError('internal_error', `budget ledger: ${what} must be a non-negative integer of micro-units, got ${money.micros}`);
  }
}

export function createMemoryBudgetLedger(options: MemoryBudgetLedgerOptions): MemoryBudgetLedger {
  const { clock, alerts } = options;
  const defaultZone = options.timeZone ?? DEFAULT_BUDGET_TIME_ZONE;
  assertTimeZone(defaultZone);
  const ttlMs = options.reservationTtlMs ?? 600_000;
  const sweepIntervalMs = options.sweepIntervalMs ?? 1_000;
  let fx: FxTable = options.fx ?? {};
  let budgets = new Map<string, BudgetDefinition>();
  let byScope = new Map<BudgetScope, BudgetDefinition[]>();
  const states = new Map<string, PeriodState>();
  const active = new Map<string, ActiveReservation>();
  let lastSweep = clock.now();
  let sequence = 0;
  /** Settled or released reservations, remembered for `ttlMs` (duplicate detection). */
  const finished = new FinishedReservations(() => sequence);

  /** The budget's current period state; rolls forward (never back) at period end. */
  function stateFor(budget: BudgetDefinition, now: number): PeriodState {
    let state = states.get(budget.id);
    if (state === undefined || now >= state.end) {
      const window = periodWindow(budget.period, now, budget.timeZone ?? defaultZone);
      state = { start: window.start, end: window.end, spent: 0, reserved: 0 };
      states.set(budget.id, state);
    }
    return state;
  }

  function statusOf(budget: BudgetDefinition, state: PeriodState): BudgetStatus {
    return {
      budgetId: budget.id,
      scope: budget.scope,
      period: budget.period,
      periodStart: state.start,
      periodEnd: state.end,
      mode: budget.mode,
      currency: budget.currency,
      limitMicros: budget.limitMicros,
      spentMicros: state.spent,
      reservedMicros: state.reserved,
    };
  }

  function applicable(scopes: readonly BudgetScope[]): BudgetDefinition[] {
    const out: BudgetDefinition[] = [];
    if (byScope.size === 0) return out;
    for (const scope of scopes) {
      const here = byScope.get(scope);
      if (here === undefined) continue;
      // A budget has one scope, so it repeats only when a scope is listed twice.
      for (const budget of here) if (!out.includes(budget)) out.push(budget);
    }
    return out;
  }

  /** Gives back what `reservation` holds in budgets still in the same period. */
  function releaseHolds(holds: readonly BudgetHold[]): void {
    for (const hold of holds) {
      const state = states.get(hold.budgetId);
      if (state !== undefined && state.start === hold.periodStart) state.reserved -= hold.micros;
    }
  }

  function sweepExpiredNow(now: number): number {
    lastSweep = now;
    let expired = 0;
    for (const [id, entry] of active) {
      if (entry.expiresAt > now) continue;
      active.delete(id);
      releaseHolds(entry.reservation.holds);
      expired += 1;
    }
    finished.forget(now);
    return expired;
  }

  function tick(): number {
    const now = clock.now();
    if (now - lastSweep >= sweepIntervalMs) sweepExpiredNow(now);
    return now;
  }

  function reserveNow(requestId: string, scopes: readonly BudgetScope[], worstCase: Money | undefined, reserveTtlMs: number): ReserveResult {
    const now = tick();
    const budgetsHere = applicable(scopes);
    if (worstCase !== undefined) requireMicros(worstCase, 'worst case');
    // Phase 1: evaluate every applicable budget; no writes.
    const planned: Array<{ budget: BudgetDefinition; state: PeriodState; micros: number }> = [];
    const degrade: BudgetStatus[] = [];
    for (const budget of budgetsHere) {
      const state = stateFor(budget, now);
      const micros = worstCase === undefined ? 0 : convertMicros(worstCase.micros, worstCase.currency, budget.currency, fx, 'ceil');
      // A free request (worst case 0) cannot add spend, so even an exhausted budget admits it.
      const fits = micros === 0 || state.spent + state.reserved + micros <= budget.limitMicros;
      if (worstCase === undefined || (!fits && budget.mode === 'hard')) {
        return {
          ok: false,
          reason: worstCase === undefined ? 'unpriced' : 'budget_exceeded',
          budgetId: budget.id,
          scope: budget.scope,
          period: budget.period,
          currency: budget.currency,
          limit: budget.limitMicros,
          spent: state.spent,
          reserved: state.reserved,
          requested: micros,
        };
      }
      if (!fits) degrade.push(statusOf(budget, state));
      planned.push({ budget, state, micros });
    }
    // Phase 2: every hard budget has room — reserve in all of them.
    const holds: BudgetHold[] = planned.map(({ budget, state, micros }) => {
      state.reserved += micros;
      return { budgetId: budget.id, periodStart: state.start, micros };
    });
    sequence += 1;
    const reservation: BudgetReservation = Object.freeze({
      id: `${requestId}#${sequence}`,
      requestId,
      scopes: Object.freeze([...scopes]),
      worstCase: worstCase === undefined ? undefined : { ...worstCase },
      holds: Object.freeze(holds),
      createdAt: now,
      expiresAt: now + reserveTtlMs,
    });
    active.set(reservation.id, { reservation, sequence, expiresAt: reservation.expiresAt });
    return { ok: true, reservation, degrade };
  }

  function settleNow(given: BudgetReservation, actual: Money): SettleOutcome {
    const now = tick();
    requireMicros(actual, 'actual cost');
    const entry = active.get(given.id);
    // A finished reservation is no longer active, so only an inactive one can be a repeat.
    if (entry === undefined && finished.has(given.id)) return 'duplicate';
    // Trust the stored holds when the reservation is live; after expiry, the caller's copy.
    const holds = entry?.reservation.holds ?? given.holds;
    // Phase 1: convert for every budget first, so a missing FX rate changes nothing.
    const charges: Array<{ budget: BudgetDefinition; state: PeriodState; micros: number }> = [];
    for (const hold of holds) {
      const budget = budgets.get(hold.budgetId);
      const state = states.get(hold.budgetId);
      if (budget === undefined || state === undefined || state.start !== hold.periodStart) continue;
      charges.push({ budget, state, micros: convertMicros(actual.micros, actual.currency, budget.currency, fx, 'half-up') });
    }
    // Phase 2: release the reservation, add the actual cost (even above the reservation).
    if (entry !== undefined) {
      active.delete(given.id);
      releaseHolds(holds);
    }
    finished.add(given.id, now + ttlMs, entry?.sequence);
    for (const { budget, state, micros } of charges) {
      state.spent += micros;
      alerts?.observe({ budget, periodStart: state.start, periodEnd: state.end, spentMicros: state.spent });
    }
    return entry === undefined ? 'late' : 'settled';
  }

  function replaceBudgets(definitions: readonly BudgetDefinition[]): void {
    const valid = validateBudgets(definitions);
    const nextBudgets = new Map(valid.map((b) => [b.id, b] as const));
    const nextByScope = new Map<BudgetScope, BudgetDefinition[]>();
    for (const budget of valid) nextByScope.set(budget.scope, [...(nextByScope.get(budget.scope) ?? []), budget]);
    for (const id of [...states.keys()]) {
      const before = budgets.get(id);
      const after = nextBudgets.get(id);
      // A changed period or zone changes the period bounds: that budget starts a fresh state.
      if (after === undefined || before === undefined || before.period !== after.period || before.timeZone !== after.timeZone) states.delete(id);
    }
    budgets = nextBudgets;
    byScope = nextByScope;
  }

  function releaseNow(reservation: BudgetReservation): boolean {
    const now = tick();
    const entry = active.get(reservation.id);
    if (entry === undefined) return false;
    active.delete(reservation.id);
    releaseHolds(entry.reservation.holds);
    finished.add(reservation.id, now + ttlMs, entry.sequence);
    return true;
  }

  function snapshotNow(scopes: readonly BudgetScope[] | undefined): BudgetSnapshot {
    const now = tick();
    const chosen = scopes === undefined ? [...budgets.values()] : applicable(scopes);
    return { at: now, budgets: chosen.map((b) => statusOf(b, stateFor(b, now))) };
  }

  replaceBudgets(options.budgets ?? []);

  const sync: BudgetLedgerSync = {
    reserve: (requestId, scopes, worstCase, reserveOptions) => reserveNow(requestId, scopes, worstCase, reserveOptions?.ttlMs ?? ttlMs),
    settle: settleNow,
    release: releaseNow,
    snapshot: snapshotNow,
  };

  return {
    reserve: async (requestId, scopes, worstCase, reserveOptions) => sync.reserve(requestId, scopes, worstCase, reserveOptions),
    settle: async (reservation, actual) => settleNow(reservation, actual),
    release: async (reservation) => releaseNow(reservation),
    async renew(reservation, renewTtlMs) {
      const now = tick();
      const entry = active.get(reservation.id);
      if (entry === undefined) return false;
      entry.expiresAt = now + (renewTtlMs ?? ttlMs);
      return true;
    },
    async pressure(scopes) {
      const now = tick();
      return pressureOf(applicable(scopes).map((b) => statusOf(b, stateFor(b, now))));
    },
    snapshot: async (scopes) => snapshotNow(scopes),
    async seedSpend(seed) {
      const now = tick();
      requireMicros(seed.spent, 'seeded spend');
      const targets = (byScope.get(seed.scope) ?? []).filter((b) => b.period === seed.period && stateFor(b, now).start === seed.periodStart);
      const amounts = targets.map((b) => convertMicros(seed.spent.micros, seed.spent.currency, b.currency, fx, 'half-up'));
      targets.forEach((budget, i) => {
        const state = stateFor(budget, now);
        state.spent += amounts[i] ?? 0;
        alerts?.markSeen({ budget, periodStart: state.start, periodEnd: state.end, spentMicros: state.spent });
      });
      return targets.length;
    },
    setBudgets: replaceBudgets,
    setFxTable(table) {
      fx = table;
    },
    sweepExpired: async () => sweepExpiredNow(clock.now()),
    sync,
    activeReservations: () => active.size,
  };
}
