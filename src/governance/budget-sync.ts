/**
 * Stored budgets → the budget ledger: definitions on every catalog change, and the spend of the
 * current periods seeded from the usage ledger at start (so a restart never resets a budget).
 */
import type { BudgetRecord, Currency } from '../core/domain.js';
import type { HubStore } from '../core/store.js';
import { periodWindow, type BudgetDefinition, type BudgetLedger, type BudgetScope } from '../gateway/limits/index.js';

export function toBudgetDefinitions(records: readonly BudgetRecord[]): BudgetDefinition[] {
  return records.map((r) => ({
    id: r.id,
    scope: r.scope as BudgetScope,
    period: r.period,
    limitMicros: r.limitMicros,
    currency: r.currency,
    mode: r.mode,
    ...(r.alertThresholds ? { alertThresholds: r.alertThresholds } : {}),
    ...(r.timeZone ? { timeZone: r.timeZone } : {}),
  }));
}

/** Usage filter of a scope; end users are matched on the rows. */
function scopeFilter(scope: string): { tenantId?: string; appId?: string; keyId?: string; endUser?: { tenantId: string; tag: string } } {
  const colon = scope.indexOf(':');
  const kind = scope.slice(0, colon);
  const id = scope.slice(colon + 1);
  if (kind === 'tenant') return { tenantId: id };
  if (kind === 'app') return { appId: id };
  if (kind === 'key') return { keyId: id };
  const slash = id.indexOf('/');
  return { endUser: { tenantId: id.slice(0, slash), tag: id.slice(slash + 1) } };
}

/** Adds the spend already in the ledger for the current period of every budget. */
export async function seedBudgetSpend(store: HubStore, ledger: BudgetLedger, records: readonly BudgetRecord[], now: number): Promise<void> {
  const seen = new Set<string>();
  for (const b of records) {
    const key = `${b.scope}|${b.period}|${b.timeZone ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const window = periodWindow(b.period, now, b.timeZone);
    const filter = scopeFilter(b.scope);
    const rows = await store.queryUsage({
      from: window.start,
      ...(Number.isFinite(window.end) ? { to: window.end } : {}),
      ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
      ...(filter.appId ? { appId: filter.appId } : {}),
      ...(filter.keyId ? { keyId: filter.keyId } : {}),
      ...(filter.endUser ? { tenantId: filter.endUser.tenantId } : {}),
    });
    const byCurrency = new Map<Currency, number>();
    for (const row of rows) {
      if (filter.endUser && row.endUser !== filter.endUser.tag) continue;
      byCurrency.set(row.currency, (byCurrency.get(row.currency) ?? 0) + row.costMicros);
    }
    for (const [currency, micros] of byCurrency) {
      if (micros > 0) await ledger.seedSpend({ scope: b.scope as BudgetScope, period: b.period, periodStart: window.start, spent: { micros, currency } });
    }
  }
}
