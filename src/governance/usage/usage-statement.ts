/**
 * The monthly chargeback statement of a tenant: one line per app × requested model ×
 * currency, exact totals per currency, and — when asked — every line converted into one
 * currency with the hub's FX table. The converted total is the sum of the converted lines
 * (each rounded half-up to a micro-unit), so the statement adds up as printed; it may differ
 * from converting the per-currency totals by at most half a micro-unit per line.
 */
import type { Currency, Tenant } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import type { UsageGroupRow } from '../../core/store.js';
import { convertMicros, type FxTable } from '../../gateway/accounting/pricing-fx.js';
import { formatMicros } from './usage-format.js';
import { formatLocal } from './usage-time.js';
import type { StatementLine, TenantStatement, UsageTotals } from './usage-types.js';

export interface StatementInput {
  tenant: Tenant;
  month: string;
  timeZone: string;
  from: number;
  to: number;
  /** Groups by app, model and currency over the month. */
  groups: readonly UsageGroupRow[];
  apps: ReadonlyMap<string, string>;
  totals: UsageTotals;
  generatedAt: string;
  convertTo?: Currency;
  fx?: FxTable;
}

/** Throws `invalid_request` when the FX table cannot convert `from` into `to`. */
function assertRate(from: Currency, to: Currency, fx: FxTable): void {
  if (from === to || fx[`${from}_${to}`] !== undefined || fx[`${to}_${from}`] !== undefined) return;
  throw new HubError('invalid_request', `Cannot convert ${from} into ${to}: the hub FX table has no ${from}_${to} (or ${to}_${from}) rate. Add it under fx: in the hub config, or omit currency.`, { param: 'currency' });
}

function lineOf(g: UsageGroupRow, apps: ReadonlyMap<string, string>): StatementLine {
  const appId = g.dims.app ?? '';
  const m = g.metrics;
  return {
    appId, appName: apps.get(appId) ?? null, model: g.dims.model ?? '', currency: (g.dims.currency ?? 'USD') as Currency,
    requests: m.requests, attempts: m.attempts, errorCount: m.errorCount, inputTokens: m.inputTokens, outputTokens: m.outputTokens,
    cachedInputTokens: m.cachedInputTokens, cacheWriteTokens: m.cacheWriteTokens, reasoningTokens: m.reasoningTokens,
    unpricedCount: m.unpricedCount, costMicros: m.costMicros, cost: formatMicros(m.costMicros),
  };
}

export function buildStatement(input: StatementInput): TenantStatement {
  const lines = input.groups.map((g) => lineOf(g, input.apps));
  lines.sort((a, b) => a.appId.localeCompare(b.appId) || b.costMicros - a.costMicros || a.model.localeCompare(b.model) || a.currency.localeCompare(b.currency));
  const statement: TenantStatement = {
    tenantId: input.tenant.id, tenantName: input.tenant.name, month: input.month, timeZone: input.timeZone,
    from: input.from, to: input.to, fromIso: formatLocal(input.from, input.timeZone), toIso: formatLocal(input.to, input.timeZone),
    generatedAt: input.generatedAt, lines, totals: input.totals,
  };
  const target = input.convertTo;
  if (target === undefined) return statement;
  const fx = input.fx ?? {};
  let total = 0;
  for (const line of lines) {
    assertRate(line.currency, target, fx);
    const micros = convertMicros(line.costMicros, line.currency, target, fx);
    line.converted = { currency: target, costMicros: micros, cost: formatMicros(micros) };
    total += micros;
  }
  const used = Object.fromEntries(Object.entries(fx).filter(([pair]) => pair.includes(target) && lines.some((l) => l.currency !== target && pair.includes(l.currency))));
  statement.converted = { currency: target, costMicros: total, cost: formatMicros(total), fx: used, rounding: 'half-up-per-line' };
  return statement;
}
