/**
 * Cost analytics routes (issue 3 §6): GET /usage (grouped, bucketed, filtered, with totals),
 * GET /usage/events (raw ledger rows), GET /tenants/:id/statement (monthly chargeback) and
 * POST /usage/rollups/rebuild. JSON by default; CSV with `format=csv` or `Accept: text/csv`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { USAGE_DIMENSIONS, type UsageDimension } from '../../core/store.js';
import { HubError } from '../../core/errors.js';
import { toCsv, usageServiceOf, type TenantStatement, type UsageEventsPage, type UsageFilters, type UsageReport } from '../../governance/usage/index.js';
import { defineRoute, type AdminRoute } from './admin-route.js';
import { currencySchema, idParams } from './admin-schemas.js';

/** Filter parameter names (snake_case, as in group_by). */
const FILTER_PARAMS = USAGE_DIMENSIONS;
/** Free-form values that may hold commas: only repetition gives several values. */
const LITERAL_FILTERS = new Set<UsageDimension>(['end_user']);

const filterValue = z.union([z.string().max(2000), z.array(z.string().max(2000)).max(100)]).optional();
const filterShape = Object.fromEntries(FILTER_PARAMS.map((d) => [d, filterValue.describe(LITERAL_FILTERS.has(d) ? `${d}: exact value; repeat the parameter for several` : `${d}: one value or a comma list`)])) as Record<UsageDimension, typeof filterValue>;
const format = z.enum(['json', 'csv']).optional().describe('csv: text/csv (also chosen by Accept: text/csv)');
const timeParam = z.string().max(40);

const groupBy = z
  .string().max(300).optional()
  .transform((v, ctx) => {
    const list = (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = list.find((s) => !(USAGE_DIMENSIONS as readonly string[]).includes(s));
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `unknown dimension "${bad}"; expected a comma list of ${USAGE_DIMENSIONS.join(', ')}` });
    return list as UsageDimension[];
  })
  .describe(`Comma list of: ${USAGE_DIMENSIONS.join(', ')}. Rows are always split by currency too.`);

const usageQuery = z.strictObject({
  from: timeParam.optional().describe('Epoch ms or ISO 8601, inclusive; without an offset it is local time in tz. Default: start of the current month.'),
  to: timeParam.optional().describe('Exclusive. Default: now.'),
  bucket: z.enum(['none', 'hour', 'day', 'month']).default('day').describe('hour (UTC hours), day or month in tz, or none'),
  tz: z.string().max(64).optional().describe('IANA time zone, default Asia/Shanghai'),
  group_by: groupBy,
  limit: z.coerce.number().int().min(1).max(100_000).optional().describe('Most rows (default 10000); totals cover all rows'),
  format,
  ...filterShape,
});

const eventsQuery = z.strictObject({
  from: timeParam.optional(), to: timeParam.optional(), tz: z.string().max(64).optional(),
  request_id: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
  format,
  ...filterShape,
});

const statementQuery = z.strictObject({
  month: z.string().regex(/^\d{4}-\d{2}$/, { error: 'expected YYYY-MM, e.g. 2026-11' }),
  tz: z.string().max(64).optional(),
  currency: currencySchema.optional().describe('Also convert every line into this currency with the hub FX table'),
  format,
});

const metricsView = {
  requests: z.number().int(), attempts: z.number().int(), okCount: z.number().int(), errorCount: z.number().int(),
  inputTokens: z.number().int(), outputTokens: z.number().int(), cachedInputTokens: z.number().int(), cacheWriteTokens: z.number().int(),
  reasoningTokens: z.number().int(), unpricedCount: z.number().int(), latencyMsSum: z.number().int(),
};
const costTotal = z.object({ currency: currencySchema, costMicros: z.number().int(), cost: z.string(), attempts: z.number().int(), unpricedCount: z.number().int() });
const totalsView = z.object({ ...metricsView, costs: z.array(costTotal) });
const reportView = z.object({
  from: z.number(), to: z.number(), fromIso: z.string(), toIso: z.string(), timeZone: z.string(), bucket: z.string(), groupBy: z.array(z.string()),
  filters: z.record(z.string(), z.array(z.string())),
  rows: z.array(z.object({ bucketStart: z.number().optional(), bucket: z.string().optional(), dims: z.record(z.string(), z.string().nullable()), currency: currencySchema, ...metricsView, costMicros: z.number().int(), cost: z.string() })),
  rowCount: z.number().int(), truncated: z.boolean(), totals: totalsView,
});
const eventView = z.object({ id: z.number().int(), requestId: z.string(), attempt: z.number().int(), startedAt: z.number(), tenantId: z.string(), status: z.string(), costMicros: z.number().int(), cost: z.string(), currency: currencySchema }).loose();
const statementView = z.object({
  tenantId: z.string(), tenantName: z.string(), month: z.string(), timeZone: z.string(), from: z.number(), to: z.number(), fromIso: z.string(), toIso: z.string(), generatedAt: z.string(),
  lines: z.array(z.object({ appId: z.string(), appName: z.string().nullable(), model: z.string(), currency: currencySchema, costMicros: z.number().int(), cost: z.string() }).loose()),
  totals: totalsView,
  converted: z.object({ currency: currencySchema, costMicros: z.number().int(), cost: z.string(), fx: z.record(z.string(), z.string()), rounding: z.string() }).optional(),
});

type FilterInput = Partial<Record<UsageDimension, string | string[] | undefined>>;

/** Query filter parameters → value lists (comma lists split, except free-form ones). */
export function filtersFromQuery(query: FilterInput): UsageFilters {
  const filters: UsageFilters = {};
  for (const dim of FILTER_PARAMS) {
    const raw = query[dim];
    if (raw === undefined) continue;
    const list = Array.isArray(raw) ? raw : LITERAL_FILTERS.has(dim) ? [raw] : raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (list.length === 0) throw new HubError('invalid_request', `Invalid value at '${dim}': give at least one value.`, { param: dim });
    filters[dim] = list;
  }
  return filters;
}

function wantsCsv(format: string | undefined, request: FastifyRequest): boolean {
  if (format !== undefined) return format === 'csv';
  return /\btext\/csv\b/i.test(request.headers.accept ?? '');
}

function sendCsv(reply: FastifyReply, filename: string, csv: string): string {
  reply.header('content-type', 'text/csv; charset=utf-8');
  reply.header('content-disposition', `attachment; filename="${filename}"`);
  // A UTF-8 BOM so Excel/WPS read Chinese text correctly.
  return `\uFEFF${csv}`;
}

const METRIC_HEADERS = ['requests', 'attempts', 'ok_count', 'error_count', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens', 'reasoning_tokens', 'unpriced_count', 'latency_ms_sum'] as const;

export function reportCsv(report: UsageReport): string {
  const header = ['bucket', 'bucket_start', ...report.groupBy.filter((d) => d !== 'currency'), 'currency', ...METRIC_HEADERS, 'cost', 'cost_micros'];
  const rows = report.rows.map((r) => [
    r.bucket ?? '', r.bucketStart ?? '', ...report.groupBy.filter((d) => d !== 'currency').map((d) => r.dims[d] ?? ''), r.currency,
    r.requests, r.attempts, r.okCount, r.errorCount, r.inputTokens, r.outputTokens, r.cachedInputTokens, r.cacheWriteTokens, r.reasoningTokens, r.unpricedCount, r.latencyMsSum,
    r.cost, r.costMicros,
  ]);
  return toCsv(header, rows);
}

export function eventsCsv(page: UsageEventsPage): string {
  const header = ['id', 'request_id', 'attempt', 'started_at', 'finished_at', 'tenant', 'app', 'key', 'end_user', 'plugin', 'prompt', 'model', 'deployment', 'provider', 'upstream_model', 'biz_level', 'stream', 'status', 'error_code', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens', 'reasoning_tokens', 'usage_source', 'currency', 'cost', 'cost_micros', 'unpriced', 'latency_ms', 'ttft_ms'];
  return toCsv(header, page.data.map((e) => [
    e.id, e.requestId, e.attempt, new Date(e.startedAt).toISOString(), new Date(e.finishedAt).toISOString(), e.tenantId, e.appId, e.keyId, e.endUser, e.plugin, e.promptRef,
    e.requestedModel, e.deploymentId, e.providerId, e.upstreamModel, e.bizLevel, e.stream, e.status, e.errorCode, e.inputTokens, e.outputTokens, e.cachedInputTokens,
    e.cacheWriteTokens, e.reasoningTokens, e.usageSource, e.currency, e.cost, e.costMicros, e.unpriced, e.latencyMs, e.ttftMs,
  ]));
}

export function statementCsv(s: TenantStatement): string {
  const header = ['tenant', 'month', 'app', 'app_name', 'model', 'currency', 'requests', 'attempts', 'error_count', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens', 'reasoning_tokens', 'unpriced_count', 'cost', 'cost_micros', 'converted_currency', 'converted_cost', 'converted_cost_micros'];
  return toCsv(header, s.lines.map((l) => [
    s.tenantId, s.month, l.appId, l.appName, l.model, l.currency, l.requests, l.attempts, l.errorCount, l.inputTokens, l.outputTokens, l.cachedInputTokens,
    l.cacheWriteTokens, l.reasoningTokens, l.unpricedCount, l.cost, l.costMicros, l.converted?.currency, l.converted?.cost, l.converted?.costMicros,
  ]));
}

export const usageRoutes: AdminRoute[] = [
  defineRoute({
    method: 'GET', path: '/usage', tag: 'usage', query: usageQuery, response: reportView,
    summary: 'Usage and cost grouped by dimensions and time buckets, with totals that reconcile to the ledger. Tenant-scoped callers see their tenant only.',
    async handler({ services, caller, query, request, reply }) {
      const report = await usageServiceOf(services).report(caller, {
        bucket: query.bucket, groupBy: query.group_by, filters: filtersFromQuery(query),
        ...(query.from !== undefined ? { from: query.from } : {}), ...(query.to !== undefined ? { to: query.to } : {}),
        ...(query.tz !== undefined ? { tz: query.tz } : {}), ...(query.limit !== undefined ? { limit: query.limit } : {}),
      });
      return wantsCsv(query.format, request) ? sendCsv(reply, `usage-${report.from}-${report.to}.csv`, reportCsv(report)) : report;
    },
  }),
  defineRoute({
    method: 'GET', path: '/usage/events', tag: 'usage', query: eventsQuery, response: z.object({ data: z.array(eventView), nextCursor: z.string().nullable() }),
    summary: 'Raw ledger rows (one per upstream attempt), oldest first, paginated and filterable (e.g. request_id).',
    async handler({ services, caller, query, request, reply }) {
      const page = await usageServiceOf(services).events(caller, {
        filters: filtersFromQuery(query), limit: query.limit,
        ...(query.from !== undefined ? { from: query.from } : {}), ...(query.to !== undefined ? { to: query.to } : {}),
        ...(query.tz !== undefined ? { tz: query.tz } : {}), ...(query.request_id !== undefined ? { requestId: query.request_id } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      });
      if (!wantsCsv(query.format, request)) return page;
      if (page.nextCursor !== null) reply.header('x-next-cursor', page.nextCursor);
      return sendCsv(reply, 'usage-events.csv', eventsCsv(page));
    },
  }),
  defineRoute({
    method: 'GET', path: '/tenants/:id/statement', tag: 'usage', params: idParams, query: statementQuery, response: statementView,
    summary: 'Monthly chargeback statement of a tenant: lines per app × model × currency, totals per currency, optionally converted into one currency.',
    async handler({ services, caller, params, query, request, reply }) {
      const statement = await usageServiceOf(services).statement(caller, params.id, {
        month: query.month, ...(query.tz !== undefined ? { tz: query.tz } : {}), ...(query.currency !== undefined ? { currency: query.currency } : {}),
      });
      return wantsCsv(query.format, request) ? sendCsv(reply, `statement-${statement.tenantId}-${statement.month}.csv`, statementCsv(statement)) : statement;
    },
  }),
  defineRoute({
    method: 'POST', path: '/usage/rollups/rebuild', tag: 'usage', bodyOptional: true,
    body: z.strictObject({ from: timeParam.optional(), to: timeParam.optional() }),
    response: z.object({ rollupRows: z.number().int(), from: z.number().nullable(), to: z.number().nullable() }),
    summary: 'Recompute the hour rollups of a range (default: all) from the ledger. Platform admins only; audited.',
    handler: ({ services, caller, body }) => usageServiceOf(services).rebuildRollups(caller, body ?? {}),
  }),
];
