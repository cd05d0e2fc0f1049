/**
 * Sums ledger rows (as domain events) into the rows of every rollup table, in JS, for the batch
 * writers: one delta per (bucket, dimension values) of a table, to be added to the stored row.
 * Each event is looked at once, at the finest grain (its UTC hour × all thirteen dimensions);
 * every table's deltas are then re-grouped from those, which is exact because every rollup
 * bucket is a whole number of UTC hours (checked below) and sums are associative.
 * Must agree with the SQL rebuild (usage-group-sql.ts): absent optional values count as '',
 * buckets are those of `rollupBucketOf`, and every metric is an exact integer sum.
 */
import type { UsageEvent } from '../../core/domain.js';
import { USAGE_DIMENSIONS, type UsageDimension } from '../../core/store.js';
import { dimsKey, HOUR_MS, ROLLUP_TABLES, rollupBucketOf, type MetricColumn, type RollupTableSpec } from './usage-rollup-schema.js';

/** What one batch adds to one rollup row. */
export interface RollupDelta {
  bucketStart: number;
  dimsKey: string;
  /** Dimension values in the order of the table's `dimensions`. */
  values: string[];
  metrics: MetricSums;
}

/** Sums of one UTC hour × every dimension (values in `USAGE_DIMENSIONS` order). */
export interface HourGroup {
  hour: number;
  values: string[];
  metrics: MetricSums;
}

/** Every dimension value of an event, in `USAGE_DIMENSIONS` order, as stored in the rollups ('' when absent). */
function dimensionValues(e: UsageEvent): string[] {
  const byDimension: Record<UsageDimension, string> = {
    tenant: e.tenantId,
    app: e.appId,
    key: e.keyId,
    end_user: e.endUser ?? '',
    model: e.requestedModel,
    upstream_model: e.upstreamModel,
    deployment: e.deploymentId,
    provider: e.providerId,
    biz_level: e.bizLevel ?? '',
    plugin: e.plugin ?? '',
    prompt: e.promptRef ?? '',
    status: e.status,
    currency: e.currency,
  };
  return USAGE_DIMENSIONS.map((d) => byDimension[d]);
}

/** Sums of the metric columns (exact integers: every addend is an integer). */
export class MetricSums implements Record<MetricColumn, number> {
  requests = 0;
  attempts = 0;
  ok_count = 0;
  error_count = 0;
  input_tokens = 0;
  output_tokens = 0;
  cached_input_tokens = 0;
  cache_write_tokens = 0;
  reasoning_tokens = 0;
  cost_micros = 0;
  unpriced_count = 0;
  latency_ms_sum = 0;

  addEvent(e: UsageEvent): void {
    const ok = e.status === 'ok';
    this.requests += e.attempt === 1 ? 1 : 0;
    this.attempts += 1;
    this.ok_count += ok ? 1 : 0;
    this.error_count += ok ? 0 : 1;
    this.input_tokens += e.inputTokens;
    this.output_tokens += e.outputTokens;
    this.cached_input_tokens += e.cachedInputTokens;
    this.cache_write_tokens += e.cacheWriteTokens;
    this.reasoning_tokens += e.reasoningTokens;
    this.cost_micros += e.costMicros;
    this.unpriced_count += e.unpriced ? 1 : 0;
    this.latency_ms_sum += e.latencyMs;
  }

  add(o: MetricSums): void {
    this.requests += o.requests;
    this.attempts += o.attempts;
    this.ok_count += o.ok_count;
    this.error_count += o.error_count;
    this.input_tokens += o.input_tokens;
    this.output_tokens += o.output_tokens;
    this.cached_input_tokens += o.cached_input_tokens;
    this.cache_write_tokens += o.cache_write_tokens;
    this.reasoning_tokens += o.reasoning_tokens;
    this.cost_micros += o.cost_micros;
    this.unpriced_count += o.unpriced_count;
    this.latency_ms_sum += o.latency_ms_sum;
  }

  copy(): MetricSums {
    const c = new MetricSums();
    c.add(this);
    return c;
  }
}

for (const spec of ROLLUP_TABLES) {
  if (spec.originMs % HOUR_MS !== 0 || spec.sizeMs % HOUR_MS !== 0) throw new Error(`rollup table ${spec.name}: buckets must be whole UTC hours`);
}

/** Groups events by (UTC hour, every dimension value): the finest grain of any rollup table. */
export function hourGroups(events: readonly UsageEvent[]): HourGroup[] {
  const groups = new Map<string, HourGroup>();
  for (const e of events) {
    const hour = Math.floor(e.startedAt / HOUR_MS) * HOUR_MS;
    // One flat key per event; the value arrays are built once per group.
    const key =
      `${hour}\u001f${e.tenantId}\u001f${e.appId}\u001f${e.keyId}\u001f${e.endUser ?? ''}\u001f${e.requestedModel}\u001f${e.upstreamModel}` +
      `\u001f${e.deploymentId}\u001f${e.providerId}\u001f${e.bizLevel ?? ''}\u001f${e.plugin ?? ''}\u001f${e.promptRef ?? ''}\u001f${e.status}\u001f${e.currency}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { hour, values: dimensionValues(e), metrics: new MetricSums() };
      groups.set(key, group);
    }
    group.metrics.addEvent(e);
  }
  return [...groups.values()];
}

/** Re-groups `hourGroups` sums into the deltas of `spec`, sorted by (bucketStart, dimsKey). */
export function rollupDeltas(spec: RollupTableSpec, fine: readonly HourGroup[]): RollupDelta[] {
  const positions = spec.dimensions.map((d) => USAGE_DIMENSIONS.indexOf(d));
  if (spec.originMs === 0 && spec.sizeMs === HOUR_MS && positions.every((p, i) => p === i) && positions.length === USAGE_DIMENSIONS.length) {
    // Hour × every dimension: the groups already are the deltas.
    return sortDeltas(fine.map((g) => ({ bucketStart: g.hour, dimsKey: dimsKey(g.values), values: g.values, metrics: g.metrics.copy() })));
  }
  const groups = new Map<string, RollupDelta>();
  for (const g of fine) {
    const bucketStart = rollupBucketOf(spec, g.hour);
    const values = positions.map((p) => g.values[p] as string);
    const key = `${bucketStart}\u001f${values.join('\u001f')}`;
    const delta = groups.get(key);
    if (delta === undefined) groups.set(key, { bucketStart, dimsKey: dimsKey(values), values, metrics: g.metrics.copy() });
    else delta.metrics.add(g.metrics);
  }
  return sortDeltas([...groups.values()]);
}

/** By (bucketStart, dimsKey): concurrent writers then lock rollup rows in one order (PostgreSQL). */
function sortDeltas(deltas: RollupDelta[]): RollupDelta[] {
  return deltas.sort((a, b) => a.bucketStart - b.bucketStart || (a.dimsKey < b.dimsKey ? -1 : a.dimsKey > b.dimsKey ? 1 : 0));
}
