/**
 * Budget status for the admin API: current-period spend and reservations of the budgets the
 * caller can see, and the recent threshold alerts (issue 3 §5). Reads the live budget ledger of
 * this node; attached by the composition root like the other node-local services.
 */
import type { BudgetRecord } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import type { BudgetAlertEvent, BudgetAlerts, BudgetLedger, BudgetScope } from '../../gateway/limits/index.js';
import type { AdminCaller } from './admin-caller.js';
import type { AdminServices } from './admin-services.js';

export interface BudgetStatusView extends BudgetRecord {
  periodStart: number;
  periodEnd: number | null;
  spentMicros: number;
  reservedMicros: number;
}

export class BudgetStatusService {
  constructor(private readonly deps: { admin: AdminServices; ledger: BudgetLedger; alerts: BudgetAlerts }) {}

  async status(caller: AdminCaller): Promise<{ budgets: BudgetStatusView[]; alerts: BudgetAlertEvent[] }> {
    const visible = (await this.deps.admin.limits.listBudgets(caller, {}, { limit: 1_000 })).data;
    const snapshot = await this.deps.ledger.snapshot(visible.map((b) => b.scope as BudgetScope));
    const byId = new Map(snapshot.budgets.map((s) => [s.budgetId, s]));
    const budgets = visible.map((b) => {
      const s = byId.get(b.id);
      return {
        ...b,
        periodStart: s?.periodStart ?? 0,
        periodEnd: s && Number.isFinite(s.periodEnd) ? s.periodEnd : null,
        spentMicros: s?.spentMicros ?? 0,
        reservedMicros: s?.reservedMicros ?? 0,
      };
    });
    const ids = new Set(visible.map((b) => b.id));
    const alerts = this.deps.alerts.recent({ limit: 500 }).filter((a) => ids.has(a.budgetId));
    return { budgets, alerts };
  }
}

const attached = new WeakMap<AdminServices, BudgetStatusService>();

export function attachBudgetStatus(admin: AdminServices, service: BudgetStatusService): void {
  attached.set(admin, service);
}

export function budgetStatusOf(admin: AdminServices): BudgetStatusService {
  const service = attached.get(admin);
  if (service === undefined) throw new HubError('internal_error', 'Budget status is not wired: the composition root must call attachBudgetStatus(adminServices, service).');
  return service;
}
