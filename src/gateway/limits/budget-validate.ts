/**
 * Checks budget definitions before a ledger takes them (the admin API validates with zod
 * first; this guards every other path, e.g. YAML apply and tests). Errors name the field.
 */
import { HubError } from '../../core/errors.js';
import type { BudgetDefinition } from './budget.js';
import { assertTimeZone } from './budget-period.js';

const SCOPE = /^(tenant|app|key|end_user):.+$/;

function fail(index: number, field: string, message: string): never {
  throw new HubError('invalid_request', `budgets[${index}].${field} ${message}`, { param: `budgets[${index}].${field}` });
}

/** Returns frozen copies of valid definitions, or throws `invalid_request` naming the field. */
export function validateBudgets(budgets: readonly BudgetDefinition[]): BudgetDefinition[] {
  const ids = new Set<string>();
  return budgets.map((budget, i) => {
    if (budget.id === '' || ids.has(budget.id)) fail(i, 'id', `must be a unique non-empty string, got '${budget.id}'`);
    ids.add(budget.id);
    if (!SCOPE.test(budget.scope)) fail(i, 'scope', `must look like tenant:<id>, app:<id>, key:<id> or end_user:<tenantId>/<tag>, got '${budget.scope}'`);
    if (!['day', 'month', 'total'].includes(budget.period)) fail(i, 'period', `must be day, month or total, got '${budget.period}'`);
    if (!Number.isSafeInteger(budget.limitMicros) || budget.limitMicros < 0) fail(i, 'limitMicros', `must be a non-negative integer of micro-units, got ${budget.limitMicros}`);
    if (budget.currency !== 'USD' && budget.currency !== 'CNY') fail(i, 'currency', `must be USD or CNY, got '${budget.currency}'`);
    if (budget.mode !== 'hard' && budget.mode !== 'degrade') fail(i, 'mode', `must be hard or degrade, got '${budget.mode}'`);
    for (const t of budget.alertThresholds ?? []) {
      if (!Number.isInteger(t) || t <= 0 || t > 1000) fail(i, 'alertThresholds', `must hold whole percentages between 1 and 1000, got ${t}`);
    }
    if (budget.timeZone !== undefined) {
      try {
        assertTimeZone(budget.timeZone);
      } catch {
        fail(i, 'timeZone', `must be an IANA time zone such as Asia/Shanghai, got '${budget.timeZone}'`);
      }
    }
    return Object.freeze({ ...budget, ...(budget.alertThresholds && { alertThresholds: Object.freeze([...budget.alertThresholds]) }) });
  });
}
