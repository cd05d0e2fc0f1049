/**
 * The Kysely implementation of UsageAnalyticsStore. A grouped query over [from, to) reads
 * whole UTC+08:00 days from the daily rollup (when its buckets are day-aligned and its
 * dimensions are core ones), the remaining whole hours from the smallest covering hour rollup,
 * and partial edge hours from the raw ledger, then merges the pieces — so any range answers
 * exactly what summing the ledger rows would.
 */
import type { Kysely } from 'kysely';
import type {
  StoredUsageEvent, UsageAnalyticsStore, UsageBucketSpec, UsageDimension, UsageEventQuery, UsageGroupQuery, UsageGroupRow, UsageMetrics,
} from '../../core/store.js';
import type { SqlDialectName } from './sql-dialect.js';
import { usageFromRow } from './sql-rows.js';
import type { SqlHubStore } from './sql-store.js';
import { groupSelectSql, type GroupSelect, type RawGroupRow } from './usage-group-sql.js';
import {
  DAILY_ORIGIN_MS, DAILY_ROLLUPS, DAY_MS, DIMENSION_COLUMNS, HOURLY_ROLLUPS, HOUR_MS, METRIC_COLUMNS, type MetricColumn, type RollupTableSpec, type UsageDatabase,
} from './usage-rollup-schema.js';
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

export interface RangePlan {
  /** Partial edge hours, read from the raw ledger. */
  ledger: [number, number][];
  /** Whole hours, read from an hour rollup. */
  hourly: [number, number][];
  /** Whole UTC+08:00 days, read from the daily rollup. */
  daily?: [number, number];
}

const floorTo = (t: number, origin: number, size: number) => origin + Math.floor((t - origin) / size) * size;
const ceilTo = (t: number, origin: number, size: number) => origin + Math.ceil((t - origin) / size) * size;

/** True when every bucket boundary is a day boundary of the daily rollup. */
export function dailyBucketsAligned(bucket: UsageBucketSpec): boolean {
  const aligned = (t: number) => floorTo(t, DAILY_ORIGIN_MS, DAY_MS) === t;
  if (bucket.kind === 'none') return true;
  if (bucket.kind === 'uniform') return aligned(bucket.originMs) && bucket.sizeMs % DAY_MS === 0;
  return bucket.starts.every(aligned);
}

/** The pieces of [from, to): ledger for partial hours, hour rollups for partial days, daily rollup for whole days. */
export function planRange(from: number, to: number, useDaily: boolean): RangePlan {
  if (to <= from) return { ledger: [], hourly: [] };
  const firstHour = ceilTo(from, 0, HOUR_MS);
  const lastHour = floorTo(to, 0, HOUR_MS);
  if (firstHour >= lastHour) return { ledger: [[from, to]], hourly: [] };
  const ledger: [number, number][] = [];
  if (from < firstHour) ledger.push([from, firstHour]);
  if (lastHour < to) ledger.push([lastHour, to]);
  const firstDay = ceilTo(firstHour, DAILY_ORIGIN_MS, DAY_MS);
  const lastDay = floorTo(lastHour, DAILY_ORIGIN_MS, DAY_MS);
  if (!useDaily || firstDay >= lastDay) return { ledger, hourly: [[firstHour, lastHour]] };
  const hourly: [number, number][] = [];
  if (firstHour < firstDay) hourly.push([firstHour, firstDay]);
  if (lastDay < lastHour) hourly.push([lastDay, lastHour]);
  return { ledger, hourly, daily: [firstDay, lastDay] };
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
    const covers = (t: RollupTableSpec) => [...needed].every((d) => t.dimensions.includes(d));
    // Every dimension is in the full hour table; the ledger is only a safe fallback.
    const hourTable = HOURLY_ROLLUPS.find(covers) ?? 'ledger';
    const dayTable = dailyBucketsAligned(query.bucket) ? DAILY_ROLLUPS.find(covers) : undefined;
    const plan = planRange(query.from, query.to, dayTable !== undefined);
    const piece = (source: GroupSelect['source'], [from, to]: [number, number]): GroupSelect => ({ source, from, to, bucket: query.bucket, dims, filters: query.filters });
    const selects: GroupSelect[] = [...plan.ledger.map((r) => piece('ledger', r)), ...plan.hourly.map((r) => piece(hourTable, r))];
    if (plan.daily !== undefined && dayTable !== undefined) selects.push(piece(dayTable, plan.daily));
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
    const id = `${bucketStart ?? ''}\u001f${values.join('\u001f')}`;
    let row = merged.get(id);
    if (row === undefined) {
      const rowDims: UsageGroupRow['dims'] = {};
      dims.forEach((d, i) => { rowDims[d] = values[i] === '' ? null : (values[i] as string); });
      row = { dims: rowDims, metrics: emptyMetrics() };
      if (bucketStart !== undefined) row.bucketStart = bucketStart;
      merged.set(id, row);
    }
    const m = row.metrics;
    for (const c of METRIC_COLUMNS) m[METRIC_FIELDS[c]] += Number(raw[c] ?? 0);
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
