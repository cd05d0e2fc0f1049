/**
 * One grouped SELECT over either the raw ledger or a rollup table, with the same output shape:
 * `b` (bucket start, when bucketed), `d0…dN` (dimension values, '' for absent) and one column
 * per metric. Dialect-neutral SQL: integer division, CASE, ordinal GROUP BY, CAST AS BIGINT
 * (PostgreSQL's SUM(bigint) is NUMERIC; the cast brings it back as a safe JS number).
 */
import { sql, type RawBuilder } from 'kysely';
import type { UsageBucketSpec, UsageDimension } from '../../core/store.js';
import { DIMENSION_COLUMNS, HOUR_MS, METRIC_COLUMNS, type MetricColumn, type RollupTableSpec } from './usage-rollup-schema.js';

/** Ledger columns that may be NULL (stored as '' in the rollups). */
const NULLABLE_LEDGER_COLUMNS = new Set<string>(['end_user', 'plugin', 'prompt_ref', 'biz_level']);

/** Sums over raw ledger rows, each matching one rollup metric column. */
const LEDGER_METRICS: Record<MetricColumn, RawBuilder<unknown>> = {
  requests: sql`sum(case when attempt = 1 then 1 else 0 end)`,
  attempts: sql`count(*)`,
  ok_count: sql`sum(case when status = 'ok' then 1 else 0 end)`,
  error_count: sql`sum(case when status <> 'ok' then 1 else 0 end)`,
  input_tokens: sql`sum(input_tokens)`,
  output_tokens: sql`sum(output_tokens)`,
  cached_input_tokens: sql`sum(cached_input_tokens)`,
  cache_write_tokens: sql`sum(cache_write_tokens)`,
  reasoning_tokens: sql`sum(reasoning_tokens)`,
  cost_micros: sql`sum(cost_micros)`,
  unpriced_count: sql`sum(unpriced)`,
  latency_ms_sum: sql`sum(latency_ms)`,
};

export interface GroupSelect {
  /** The raw ledger, or a rollup table whose dimensions cover `dims` and the filters. */
  source: 'ledger' | RollupTableSpec;
  /** Inclusive / exclusive bounds of the time column; undefined: unbounded. */
  from?: number;
  to?: number;
  bucket: UsageBucketSpec;
  dims: readonly UsageDimension[];
  filters: Partial<Record<UsageDimension, string[]>>;
}

export type RawGroupRow = { b?: number | string } & Record<string, number | string | null>;

function dimensionExpr(source: GroupSelect['source'], dim: UsageDimension): RawBuilder<string> {
  const column = DIMENSION_COLUMNS[dim];
  if (source === 'ledger' && NULLABLE_LEDGER_COLUMNS.has(column)) return sql<string>`coalesce(${sql.ref(column)}, '')`;
  return sql<string>`${sql.ref(column)}`;
}

function assertWholeHour(ms: number, what: string): void {
  if (!Number.isSafeInteger(ms) || ms % HOUR_MS !== 0) throw new Error(`usage bucket ${what} must be a whole UTC hour, got ${ms}`);
}

/** Bucket start of the time column `t`; literals are our own integers, inlined. */
export function bucketExpr(bucket: UsageBucketSpec, t: RawBuilder<unknown>): RawBuilder<number> | undefined {
  if (bucket.kind === 'none') return undefined;
  if (bucket.kind === 'uniform') {
    assertWholeHour(bucket.originMs, 'origin');
    assertWholeHour(bucket.sizeMs, 'size');
    const origin = sql.lit(bucket.originMs);
    const size = sql.lit(bucket.sizeMs);
    return sql<number>`(${origin} + ((${t} - ${origin}) / ${size}) * ${size})`;
  }
  const starts = bucket.starts;
  if (starts.length === 0) throw new Error('usage bucket starts must not be empty');
  starts.forEach((s) => assertWholeHour(s, 'start'));
  if (starts.length === 1) return sql<number>`${sql.lit(starts[0])}`;
  const whens = starts.slice(1).map((next, i) => sql`when ${t} < ${sql.lit(next)} then ${sql.lit(starts[i])}`);
  return sql<number>`(case ${sql.join(whens, sql` `)} else ${sql.lit(starts[starts.length - 1])} end)`;
}

/** The SELECT described by `s`, ready to execute. */
export function groupSelectSql(s: GroupSelect): RawBuilder<RawGroupRow> {
  const ledger = s.source === 'ledger';
  const table = ledger ? 'usage_events' : (s.source as RollupTableSpec).name;
  const t = sql.ref(ledger ? 'started_at' : 'bucket_start');
  const selects: RawBuilder<unknown>[] = [];
  const bucket = bucketExpr(s.bucket, t);
  if (bucket !== undefined) selects.push(sql`${bucket} as b`);
  s.dims.forEach((dim, i) => selects.push(sql`${dimensionExpr(s.source, dim)} as ${sql.ref(`d${i}`)}`));
  for (const metric of METRIC_COLUMNS) {
    const sum = ledger ? LEDGER_METRICS[metric] : sql`sum(${sql.ref(metric)})`;
    selects.push(sql`cast(coalesce(${sum}, 0) as bigint) as ${sql.ref(metric)}`);
  }

  const where: RawBuilder<unknown>[] = [];
  if (s.from !== undefined) where.push(sql`${t} >= ${s.from}`);
  if (s.to !== undefined) where.push(sql`${t} < ${s.to}`);
  for (const [dim, values] of Object.entries(s.filters) as [UsageDimension, string[] | undefined][]) {
    if (values === undefined) continue;
    if (values.length === 0) where.push(sql`1 = 0`);
    else where.push(sql`${dimensionExpr(s.source, dim)} in (${sql.join(values)})`);
  }
  const whereSql = where.length > 0 ? sql` where ${sql.join(where, sql` and `)}` : sql``;
  const groupCount = (bucket !== undefined ? 1 : 0) + s.dims.length;
  const groupSql = groupCount > 0 ? sql` group by ${sql.join(Array.from({ length: groupCount }, (_, i) => sql.lit(i + 1)))}` : sql``;
  return sql<RawGroupRow>`select ${sql.join(selects)} from ${sql.table(table)}${whereSql}${groupSql}`;
}
