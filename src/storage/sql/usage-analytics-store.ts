/**
 * The Kysely implementation of UsageAnalyticsStore. A grouped query over [from, to) reads
 * whole hours from the smallest rollup table covering its dimensions and the partial edge
 * hours (if `from`/`to` are not on the hour) from the raw ledger, then merges the two — so any
 * range answers exactly what summing the ledger rows would.
 */
import type { Kysely } from 'kysely';
import type {
  StoredUsageEvent, UsageAnalyticsStore, UsageDimension, UsageEventQuery, UsageGroupQuery, UsageGroupRow, UsageMetrics,
} from '../../core/store.js';
import type { SqlDialectName } from './sql-dialect.js';
import { usageFromRow } from './sql-rows.js';
import type { SqlHubStore } from './sql-store.js';
import { groupSelectSql, type GroupSelect, type RawGroupRow } from './usage-group-sql.js';
import { DIMENSION_COLUMNS, HOUR_MS, METRIC_COLUMNS, ROLLUP_TABLES, type MetricColumn, type UsageDatabase } from './usage-rollup-schema.js';
import { rebuildUsageRollups } from './usage-rollup-writer.js';

const METRIC_FIELDS: Record<MetricColumn, keyof UsageMetrics> = {
  requests: 'requests', attempts: 'attempts', ok_count: 'okCount', error_count: 'errorCount', input_tokens: 'inputTokens',
  output_tokens: 'outputTokens', cached_input_tokens: 'cachedInputTokens', cache_write_tokens: 'cacheWriteTokens',
  reasoning_tokens: 'reasoningTokens', cost_micros: 'costMicros', unpriced_count: 'unpricedCount', latency_ms_sum: 'latencyMsSum',
};

/** Grouping dimensions without duplicates, `currency` always last if not given. */
export function normaliseDimensions(groupBy: readonly UsageDimension[]): UsageDimension[] {
  const dims = [...new Set(groupBy)];
  if (!dims.includes('currency')) dims.push('currency');
  return dims;
}

/** The time pieces of [from, to): whole hours for the rollups, partial edges for the ledger. */
export function splitRange(from: number, to: number): { rollup?: [number, number]; ledger: [number, number][] } {
  if (to <= from) return { ledger: [] };
  const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor(to / HOUR_MS) * HOUR_MS;
  if (firstHour >= lastHour) return { ledger: [[from, to]] };
  const ledger: [number, number][] = [];
  if (from < firstHour) ledger.push([from, firstHour]);
  if (lastHour < to) ledger.push([lastHour, to]);
  return { rollup: [firstHour, lastHour], ledger };
}

function emptyMetrics(): UsageMetrics {
  return { requests: 0, attempts: 0, okCount: 0, errorCount: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costMicros: 0, unpricedCount: 0, latencyMsSum: 0 };
}

function compareRows(a: UsageGroupRow, b: UsageGroupRow, dims: readonly UsageDimension[]): number {
  const byBucket = (a.bucketStart ?? 0) - (b.bucketStart ?? 0);
  if (byBucket !== 0) return byBucket;
  for (const d of dims) {
    const x = a.dims[d] ?? '';
    const y = b.dims[d] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export class SqlUsageAnalyticsStore implements UsageAnalyticsStore {
  constructor(
    readonly db: Kysely<UsageDatabase>,
    readonly dialect: SqlDialectName,
  ) {}

  async queryUsageGroups(query: UsageGroupQuery): Promise<UsageGroupRow[]> {
    const dims = normaliseDimensions(query.groupBy);
    const needed = new Set<UsageDimension>([...dims, ...(Object.keys(query.filters) as UsageDimension[])]);
    const table = ROLLUP_TABLES.find((t) => [...needed].every((d) => t.dimensions.includes(d)));
    const parts = splitRange(query.from, query.to);
    const selects: GroupSelect[] = parts.ledger.map(([from, to]) => ({ source: 'ledger', from, to, bucket: query.bucket, dims, filters: query.filters }));
    if (parts.rollup !== undefined) {
      const [from, to] = parts.rollup;
      // Every dimension is in the full table, so `table` is always found; the ledger is the safe fallback.
      selects.push({ source: table ?? 'ledger', from, to, bucket: query.bucket, dims, filters: query.filters });
    }
    const merged = new Map<string, UsageGroupRow>();
    for (const select of selects) {
      const { rows } = await groupSelectSql(select).execute(this.db);
      for (const raw of rows) this.mergeRow(merged, raw, dims, query.bucket.kind !== 'none');
    }
    return [...merged.values()].sort((a, b) => compareRows(a, b, dims));
  }

  private mergeRow(merged: Map<string, UsageGroupRow>, raw: RawGroupRow, dims: readonly UsageDimension[], bucketed: boolean): void {
    const values = dims.map((_, i) => String(raw[`d${i}`] ?? ''));
    const bucketStart = bucketed ? Number(raw.b) : undefined;
    const id = JSON.stringify([bucketStart ?? null, values]);
    let row = merged.get(id);
    if (row === undefined) {
      row = { dims: Object.fromEntries(dims.map((d, i) => [d, values[i] === '' ? null : values[i]])), metrics: emptyMetrics() };
      if (bucketStart !== undefined) row.bucketStart = bucketStart;
      merged.set(id, row);
    }
    for (const c of METRIC_COLUMNS) row.metrics[METRIC_FIELDS[c]] += Number(raw[c] ?? 0);
  }

  async queryUsageEvents(query: UsageEventQuery): Promise<StoredUsageEvent[]> {
    let q = this.db.selectFrom('usage_events').selectAll();
    if (query.from !== undefined) q = q.where('started_at', '>=', query.from);
    if (query.to !== undefined) q = q.where('started_at', '<', query.to);
    if (query.requestId !== undefined) q = q.where('request_id', '=', query.requestId);
    for (const [dim, values] of Object.entries(query.filters) as [UsageDimension, string[] | undefined][]) {
      if (values === undefined) continue;
      q = q.where(DIMENSION_COLUMNS[dim], 'in', values.length > 0 ? values : ['\u0000never']);
    }
    const after = query.after;
    if (after !== undefined) {
      q = q.where((eb) => eb.or([eb('started_at', '>', after.startedAt), eb.and([eb('started_at', '=', after.startedAt), eb('id', '>', after.id)])]));
    }
    const list = await q.orderBy('started_at').orderBy('id').limit(query.limit).execute();
    return list.map((r) => ({ id: Number(r.id), event: usageFromRow(r) }));
  }

  rebuildUsageRollups(range: { from?: number; to?: number } = {}): Promise<{ rollupRows: number }> {
    return rebuildUsageRollups(this.db, this.dialect, range);
  }
}

/** The analytics view of a hub store (same database and connection pool). */
export function createUsageAnalyticsStore(hubStore: SqlHubStore): SqlUsageAnalyticsStore {
  return new SqlUsageAnalyticsStore(hubStore.db as unknown as Kysely<UsageDatabase>, hubStore.dialect);
}
