/**
 * Cost analytics over the usage ledger (issue 3 §6): grouped reports, raw events, monthly
 * tenant statements and rollup rebuilds, with the admin authorization rules applied
 * server-side — a tenant-scoped caller only ever reads its own tenant, whatever the filters say.
 */
import type { Currency } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import type { HubStore, UsageAnalyticsStore, UsageDimension, UsageGroupRow } from '../../core/store.js';
import type { FxTable } from '../../gateway/accounting/pricing-fx.js';
import { assertPlatformAdmin, canSeeTenant, notFound, type AdminCaller } from '../admin/admin-caller.js';
import type { AuditLog } from '../admin/admin-audit.js';
import { formatMicros } from './usage-format.js';
import { buildStatement } from './usage-statement.js';
import { DEFAULT_USAGE_TIME_ZONE, assertTimeZone, bucketSpecFor, formatLocal, monthRange, parseTimeParam, startOfLocal, type UsageBucketUnit } from './usage-time.js';
import type {
  StatementParams, TenantStatement, UsageCostTotal, UsageEventsPage, UsageEventsParams, UsageFilters, UsageQueryParams, UsageReport, UsageReportRow, UsageTotals,
} from './usage-types.js';

export interface UsageServiceOptions {
  analytics: UsageAnalyticsStore;
  /** Tenant and app names for statements. */
  store: HubStore;
  /** The hub's FX table, for statements converted into one currency. */
  fx?: FxTable;
  /** Default zone for buckets and offset-less times. Default Asia/Shanghai. */
  timeZone?: string;
  /** Records rollup rebuilds. */
  audit?: AuditLog;
  now?: () => number;
}

const DEFAULT_ROW_LIMIT = 10_000;
const MAX_EVENT_PAGE = 1000;

/** The caller's filters with the tenant scope enforced: another tenant answers `not_found`. */
export function scopeFilters(caller: AdminCaller, filters: UsageFilters = {}): UsageFilters {
  const scoped: UsageFilters = { ...filters };
  if (caller.tenantId === undefined) return scoped;
  for (const tenant of filters.tenant ?? []) if (!canSeeTenant(caller, tenant)) throw notFound('tenant', tenant);
  scoped.tenant = [caller.tenantId];
  return scoped;
}

function zeroTotals(): UsageTotals {
  return { requests: 0, attempts: 0, okCount: 0, errorCount: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, unpricedCount: 0, latencyMsSum: 0, costs: [] };
}

/** Sums group rows into totals: tokens and counts overall, money per currency. */
export function totalsOf(rows: readonly UsageGroupRow[]): UsageTotals {
  const totals = zeroTotals();
  const costs = new Map<Currency, UsageCostTotal>();
  for (const { dims, metrics } of rows) {
    const { costMicros, ...counts } = metrics;
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) totals[k] += counts[k];
    const currency = (dims.currency ?? 'USD') as Currency;
    const c = costs.get(currency) ?? { currency, costMicros: 0, cost: '', attempts: 0, unpricedCount: 0 };
    c.costMicros += costMicros;
    c.attempts += metrics.attempts;
    c.unpricedCount += metrics.unpricedCount;
    costs.set(currency, c);
  }
  totals.costs = [...costs.values()].sort((a, b) => a.currency.localeCompare(b.currency)).map((c) => ({ ...c, cost: formatMicros(c.costMicros) }));
  return totals;
}

export class UsageService {
  private readonly timeZone: string;
  private readonly now: () => number;

  constructor(private readonly o: UsageServiceOptions) {
    this.timeZone = o.timeZone ?? DEFAULT_USAGE_TIME_ZONE;
    assertTimeZone(this.timeZone);
    this.now = o.now ?? Date.now;
  }

  private range(p: { from?: string; to?: string }, timeZone: string): { from: number; to: number } {
    const to = p.to === undefined ? this.now() : parseTimeParam(p.to, 'to', timeZone);
    const from = p.from === undefined ? startOfLocal(Math.min(to - 1, this.now()), 'month', timeZone) : parseTimeParam(p.from, 'from', timeZone);
    if (!(from < to)) throw new HubError('invalid_request', `Invalid value at 'from': from (${formatLocal(from, timeZone)}) must be before to (${formatLocal(to, timeZone)}).`, { param: 'from' });
    return { from, to };
  }

  private zone(tz: string | undefined): string {
    const timeZone = tz ?? this.timeZone;
    assertTimeZone(timeZone);
    return timeZone;
  }

  /** Grouped sums with totals; totals always cover every matching row, even past `limit`. */
  async report(caller: AdminCaller, p: UsageQueryParams): Promise<UsageReport> {
    const timeZone = this.zone(p.tz);
    const { from, to } = this.range(p, timeZone);
    const bucket: UsageBucketUnit = p.bucket ?? 'day';
    const groupBy = [...new Set(p.groupBy ?? [])];
    const filters = scopeFilters(caller, p.filters);
    const groups = await this.o.analytics.queryUsageGroups({ from, to, bucket: bucketSpecFor(bucket, from, to, timeZone), groupBy, filters });
    const limit = p.limit ?? DEFAULT_ROW_LIMIT;
    const rows = groups.slice(0, limit).map((g) => this.reportRow(g, groupBy, timeZone));
    return {
      from, to, fromIso: formatLocal(from, timeZone), toIso: formatLocal(to, timeZone), timeZone, bucket, groupBy, filters,
      rows, rowCount: groups.length, truncated: groups.length > limit, totals: totalsOf(groups),
    };
  }

  private reportRow(g: UsageGroupRow, groupBy: readonly UsageDimension[], timeZone: string): UsageReportRow {
    const dims: UsageReportRow['dims'] = {};
    for (const d of groupBy) if (d !== 'currency') dims[d] = g.dims[d] ?? null;
    const m = g.metrics;
    const row: UsageReportRow = {
      dims, currency: (g.dims.currency ?? 'USD') as Currency,
      requests: m.requests, attempts: m.attempts, okCount: m.okCount, errorCount: m.errorCount, inputTokens: m.inputTokens,
      outputTokens: m.outputTokens, cachedInputTokens: m.cachedInputTokens, cacheWriteTokens: m.cacheWriteTokens,
      reasoningTokens: m.reasoningTokens, unpricedCount: m.unpricedCount, latencyMsSum: m.latencyMsSum,
      costMicros: m.costMicros, cost: formatMicros(m.costMicros),
    };
    if (g.bucketStart !== undefined) {
      row.bucketStart = g.bucketStart;
      row.bucket = formatLocal(g.bucketStart, timeZone);
    }
    return row;
  }

  /** Raw ledger rows, oldest first, keyset-paginated. */
  async events(caller: AdminCaller, p: UsageEventsParams): Promise<UsageEventsPage> {
    const timeZone = this.zone(p.tz);
    const from = p.from === undefined ? undefined : parseTimeParam(p.from, 'from', timeZone);
    const to = p.to === undefined ? undefined : parseTimeParam(p.to, 'to', timeZone);
    const limit = Math.min(Math.max(1, p.limit ?? 100), MAX_EVENT_PAGE);
    const after = p.cursor === undefined ? undefined : decodeCursor(p.cursor);
    const rows = await this.o.analytics.queryUsageEvents({
      filters: scopeFilters(caller, p.filters), limit: limit + 1,
      ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}),
      ...(p.requestId !== undefined ? { requestId: p.requestId } : {}), ...(after !== undefined ? { after } : {}),
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map((r) => ({ id: r.id, ...r.event, cost: formatMicros(r.event.costMicros) })),
      nextCursor: rows.length > limit && last !== undefined ? Buffer.from(`${last.event.startedAt}.${last.id}`).toString('base64url') : null,
    };
  }

  /** The chargeback statement of one tenant for one local month. */
  async statement(caller: AdminCaller, tenantId: string, p: StatementParams): Promise<TenantStatement> {
    if (!canSeeTenant(caller, tenantId)) throw notFound('tenant', tenantId);
    const tenant = (await this.o.store.listTenants()).find((t) => t.id === tenantId);
    if (tenant === undefined) throw notFound('tenant', tenantId);
    const timeZone = this.zone(p.tz);
    const { from, to } = monthRange(p.month, timeZone);
    const groups = await this.o.analytics.queryUsageGroups({ from, to, bucket: { kind: 'none' }, groupBy: ['app', 'model', 'currency'], filters: { tenant: [tenantId] } });
    const apps = new Map((await this.o.store.listApps()).filter((a) => a.tenantId === tenantId).map((a) => [a.id, a.name]));
    return buildStatement({
      tenant, month: p.month, timeZone, from, to, groups, apps, totals: totalsOf(groups), generatedAt: formatLocal(this.now(), timeZone),
      ...(p.currency !== undefined ? { convertTo: p.currency, fx: this.o.fx ?? {} } : {}),
    });
  }

  /** Recomputes rollups of [from, to) from the ledger (platform admins; audited). */
  async rebuildRollups(caller: AdminCaller, p: { from?: string; to?: string }): Promise<{ rollupRows: number; from: number | null; to: number | null }> {
    assertPlatformAdmin(caller);
    const from = p.from === undefined ? undefined : parseTimeParam(p.from, 'from', this.timeZone);
    const to = p.to === undefined ? undefined : parseTimeParam(p.to, 'to', this.timeZone);
    const result = await this.o.analytics.rebuildUsageRollups({ ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
    const summary = { rollupRows: result.rollupRows, from: from ?? null, to: to ?? null };
    await this.o.audit?.record(caller, 'usage.rollups.rebuild', { type: 'usage_rollups', id: 'all' }, undefined, summary);
    return summary;
  }
}

function decodeCursor(cursor: string): { startedAt: number; id: number } {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (m === null) throw new HubError('invalid_request', "Invalid value at 'cursor': pass the nextCursor of a previous page.", { param: 'cursor' });
  return { startedAt: Number(m[1]), id: Number(m[2]) };
}
