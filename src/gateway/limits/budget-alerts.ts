/**
 * Soft budget alerts: when a budget's spend crosses one of its thresholds (default 50/80/100 %
 * of the limit), one event per (budget, period, threshold) goes to `onAlert` — the lead wires
 * the webhook sender (through the egress client) there — and into a bounded in-memory list the
 * admin API reads. Comparison is exact: spent × 100 ≥ threshold × limit.
 */
import type { Currency } from '../../core/domain.js';
import type { Clock } from '../../core/ports.js';
import { DEFAULT_ALERT_THRESHOLDS, type BudgetDefinition, type BudgetMode, type BudgetPeriod, type BudgetScope } from './budget.js';

export interface BudgetAlertEvent {
  budgetId: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  periodStart: number;
  periodEnd: number;
  mode: BudgetMode;
  /** The crossed threshold, in percent of the limit. */
  thresholdPercent: number;
  limitMicros: number;
  spentMicros: number;
  currency: Currency;
  /** Epoch ms the crossing was observed. */
  at: number;
}

export interface BudgetSpendChange {
  budget: BudgetDefinition;
  periodStart: number;
  periodEnd: number;
  spentMicros: number;
}

export interface BudgetAlertQuery {
  budgetId?: string;
  /** Only alerts of these scopes (e.g. one tenant's scopes). */
  scopes?: readonly BudgetScope[];
  /** Newest first; default 100. */
  limit?: number;
}

export interface BudgetAlerts {
  /** Fires every threshold `spentMicros` has reached and that has not fired this period. */
  observe(change: BudgetSpendChange): BudgetAlertEvent[];
  /** Marks reached thresholds as already alerted without firing (spend seeded at start). */
  markSeen(change: BudgetSpendChange): void;
  /** Recent alerts, newest first. */
  recent(query?: BudgetAlertQuery): BudgetAlertEvent[];
}

export interface BudgetAlertsOptions {
  clock: Clock;
  /** Receives every new alert. Errors and rejected promises are reported to `onError`, never thrown. */
  onAlert?: (event: BudgetAlertEvent) => void | Promise<void>;
  onError?: (error: unknown, event: BudgetAlertEvent) => void;
  /** Alerts kept for `recent`; default 500. */
  keepRecent?: number;
}

/** True when `spent` has reached `percent` % of `limit` (exact integer comparison). */
export function thresholdReached(spent: number, limit: number, percent: number): boolean {
  return spent * 100 >= percent * limit;
}

export function createBudgetAlerts(options: BudgetAlertsOptions): BudgetAlerts {
  const keep = options.keepRecent ?? 500;
  // budget id → the period we track and the thresholds already alerted in it
  const fired = new Map<string, { periodStart: number; thresholds: Set<number> }>();
  const events: BudgetAlertEvent[] = [];

  function newlyReached(change: BudgetSpendChange): number[] {
    const { budget } = change;
    let state = fired.get(budget.id);
    if (state === undefined || state.periodStart !== change.periodStart) {
      state = { periodStart: change.periodStart, thresholds: new Set() };
      fired.set(budget.id, state);
    }
    const reached: number[] = [];
    for (const percent of budget.alertThresholds ?? DEFAULT_ALERT_THRESHOLDS) {
      if (state.thresholds.has(percent) || !thresholdReached(change.spentMicros, budget.limitMicros, percent)) continue;
      state.thresholds.add(percent);
      reached.push(percent);
    }
    return reached.sort((a, b) => a - b);
  }

  function deliver(event: BudgetAlertEvent): void {
    events.push(event);
    if (events.length > keep) events.splice(0, events.length - keep);
    if (options.onAlert === undefined) return;
    try {
      const result = options.onAlert(event);
      if (result instanceof Promise) result.catch((error: unknown) => options.onError?.(error, event));
    } catch (error) {
      options.onError?.(error, event);
    }
  }

  return {
    observe(change) {
      const out = newlyReached(change).map((thresholdPercent): BudgetAlertEvent => ({
        budgetId: change.budget.id,
        scope: change.budget.scope,
        period: change.budget.period,
        periodStart: change.periodStart,
        periodEnd: change.periodEnd,
        mode: change.budget.mode,
        thresholdPercent,
        limitMicros: change.budget.limitMicros,
        spentMicros: change.spentMicros,
        currency: change.budget.currency,
        at: options.clock.now(),
      }));
      out.forEach(deliver);
      return out;
    },
    markSeen(change) {
      newlyReached(change);
    },
    recent(query = {}) {
      const scopes = query.scopes === undefined ? undefined : new Set(query.scopes);
      const out: BudgetAlertEvent[] = [];
      for (let i = events.length - 1; i >= 0 && out.length < (query.limit ?? 100); i -= 1) {
        const event = events[i];
        if (event === undefined) continue;
        if (query.budgetId !== undefined && event.budgetId !== query.budgetId) continue;
        if (scopes !== undefined && !scopes.has(event.scope)) continue;
        out.push(event);
      }
      return out;
    },
  };
}
