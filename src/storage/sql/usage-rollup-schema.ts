/**
 * Hour rollups of the usage ledger (migration 003-usage-rollups): two tables keyed by
 * (bucket_start, dims_key).
 *  - `usage_rollup_hourly`: every dimension (tenant … currency), for queries that group or
 *    filter by key, end user, plugin or prompt.
 *  - `usage_rollup_hourly_core`: the low-cardinality dimensions only (no key, end user, plugin,
 *    prompt), so the common dashboard queries read far fewer rows.
 *  - `usage_rollup_daily_core` (migration 004): the core dimensions per UTC+08:00 day (Asia/Shanghai
 *    days), for whole-day stretches of day/month/none queries in that offset.
 * Absent optional fields are stored as '' (NULLs would not take part in the unique key);
 * `dims_key` is a hash of the dimension values, so the unique index stays small whatever the
 * length of an end-user tag.
 */
import { createHash } from 'node:crypto';
import type { UsageDimension } from '../../core/store.js';
import type { HubDatabase } from './sql-schema.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Day buckets of the daily rollup start at 00:00 UTC+08:00 (Asia/Shanghai has had no DST since 1991). */
export const DAILY_ORIGIN_MS = -8 * HOUR_MS;

/** Ledger column of every dimension. */
export const DIMENSION_COLUMNS = {
  tenant: 'tenant_id',
  app: 'app_id',
  key: 'key_id',
  end_user: 'end_user',
  model: 'requested_model',
  upstream_model: 'upstream_model',
  deployment: 'deployment_id',
  provider: 'provider_id',
  biz_level: 'biz_level',
  plugin: 'plugin',
  prompt: 'prompt_ref',
  status: 'status',
  currency: 'currency',
} as const satisfies Record<UsageDimension, string>;

export type DimensionColumn = (typeof DIMENSION_COLUMNS)[UsageDimension];

export interface RollupTableSpec {
  name: 'usage_rollup_hourly' | 'usage_rollup_hourly_core' | 'usage_rollup_daily_core';
  dimensions: readonly UsageDimension[];
  /** Buckets are `originMs + k·sizeMs`. */
  originMs: number;
  sizeMs: number;
}

export const FULL_ROLLUP: RollupTableSpec = {
  name: 'usage_rollup_hourly',
  originMs: 0,
  sizeMs: HOUR_MS,
  dimensions: ['tenant', 'app', 'key', 'end_user', 'model', 'upstream_model', 'deployment', 'provider', 'biz_level', 'plugin', 'prompt', 'status', 'currency'],
};

const CORE_DIMENSIONS: readonly UsageDimension[] = ['tenant', 'app', 'model', 'upstream_model', 'deployment', 'provider', 'biz_level', 'status', 'currency'];

export const CORE_ROLLUP: RollupTableSpec = { name: 'usage_rollup_hourly_core', originMs: 0, sizeMs: HOUR_MS, dimensions: CORE_DIMENSIONS };

export const DAILY_CORE_ROLLUP: RollupTableSpec = { name: 'usage_rollup_daily_core', originMs: DAILY_ORIGIN_MS, sizeMs: DAY_MS, dimensions: CORE_DIMENSIONS };

/** Hour tables, smallest first: the query planner picks the first covering the query's dimensions. */
export const HOURLY_ROLLUPS: readonly RollupTableSpec[] = [CORE_ROLLUP, FULL_ROLLUP];
export const DAILY_ROLLUPS: readonly RollupTableSpec[] = [DAILY_CORE_ROLLUP];
/** Every rollup table the ledger writer maintains. */
export const ROLLUP_TABLES: readonly RollupTableSpec[] = [...HOURLY_ROLLUPS, ...DAILY_ROLLUPS];

/** Start of the bucket of `spec` containing `t`. */
export function rollupBucketOf(spec: RollupTableSpec, t: number): number {
  return spec.originMs + Math.floor((t - spec.originMs) / spec.sizeMs) * spec.sizeMs;
}

/** Metric columns of a rollup row, all 64-bit integers. */
export const METRIC_COLUMNS = [
  'requests', 'attempts', 'ok_count', 'error_count', 'input_tokens', 'output_tokens', 'cached_input_tokens',
  'cache_write_tokens', 'reasoning_tokens', 'cost_micros', 'unpriced_count', 'latency_ms_sum',
] as const;

export type MetricColumn = (typeof METRIC_COLUMNS)[number];

/** One rollup row: bucket, key, dimension columns ('' for absent) and metric sums. */
export type RollupRow = { bucket_start: number; dims_key: string } & Partial<Record<DimensionColumn, string>> & Record<MetricColumn, number>;

/** Kysely view of a rollup table (both tables share it; the core one lacks four columns). */
export interface RollupTable extends Record<MetricColumn, number> {
  bucket_start: number;
  dims_key: string;
  tenant_id: string;
  app_id: string;
  key_id: string;
  end_user: string;
  requested_model: string;
  upstream_model: string;
  deployment_id: string;
  provider_id: string;
  biz_level: string;
  plugin: string;
  prompt_ref: string;
  status: string;
  currency: string;
}

export interface UsageDatabase extends HubDatabase {
  usage_rollup_hourly: RollupTable;
  usage_rollup_hourly_core: RollupTable;
  usage_rollup_daily_core: RollupTable;
}

/** 128-bit hex hash of the dimension values of one table (unit separator between values). */
export function dimsKey(values: readonly string[]): string {
  return createHash('sha256').update(values.join('\u001f')).digest('hex').slice(0, 32);
}
