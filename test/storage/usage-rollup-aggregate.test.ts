/**
 * The JS rollup sums of the ledger batch writers equal a plain per-table reference grouping,
 * for every rollup table, and no dimension is ever merged away.
 */
import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/core/domain.js';
import { USAGE_DIMENSIONS, type UsageDimension } from '../../src/core/store.js';
import { usageToRow } from '../../src/storage/sql/sql-rows.js';
import { hourGroups, rollupDeltas, type RollupDelta } from '../../src/storage/sql/usage-rollup-aggregate.js';
import {
  DIMENSION_COLUMNS, FULL_ROLLUP, METRIC_COLUMNS, ROLLUP_TABLES, dimsKey, rollupBucketOf, type RollupTableSpec,
} from '../../src/storage/sql/usage-rollup-schema.js';
import { sampleUsage } from '../contract/store-fixtures.js';
import { HOUR, NOV_2026_SHANGHAI, randomUsageRows, seededRandom } from '../usage/usage-fixtures.js';

/** Reference: group each event directly by the table's bucket and ledger column values. */
function reference(spec: RollupTableSpec, events: readonly UsageEvent[]): Map<string, { bucket: number; values: string[]; metrics: number[] }> {
  const out = new Map<string, { bucket: number; values: string[]; metrics: number[] }>();
  for (const e of events) {
    const row = usageToRow(e) as Record<string, string | number | null>;
    const bucket = rollupBucketOf(spec, e.startedAt);
    const values = spec.dimensions.map((d) => String(row[DIMENSION_COLUMNS[d]] ?? ''));
    const metrics = [
      e.attempt === 1 ? 1 : 0, 1, e.status === 'ok' ? 1 : 0, e.status === 'ok' ? 0 : 1, e.inputTokens, e.outputTokens,
      e.cachedInputTokens, e.cacheWriteTokens, e.reasoningTokens, e.costMicros, e.unpriced ? 1 : 0, e.latencyMs,
    ];
    const key = `${bucket}|${dimsKey(values)}`;
    const group = out.get(key);
    if (group === undefined) out.set(key, { bucket, values, metrics });
    else metrics.forEach((m, i) => { group.metrics[i] = (group.metrics[i] as number) + m; });
  }
  return out;
}

function asMap(deltas: readonly RollupDelta[]): Map<string, { bucket: number; values: string[]; metrics: number[] }> {
  return new Map(deltas.map((d) => [`${d.bucketStart}|${d.dimsKey}`, { bucket: d.bucketStart, values: d.values, metrics: METRIC_COLUMNS.map((c) => d.metrics[c]) }]));
}

describe('rollup deltas of a ledger batch', () => {
  it('equal a direct grouping of the events, for every rollup table', () => {
    const events = randomUsageRows(seededRandom(5), 3000, NOV_2026_SHANGHAI - 20 * HOUR, 50 * HOUR);
    const groups = hourGroups(events);
    for (const spec of ROLLUP_TABLES) {
      const deltas = rollupDeltas(spec, groups);
      expect(asMap(deltas), spec.name).toEqual(reference(spec, events));
      // dims_key is the hash of exactly the values stored with it.
      for (const d of deltas) expect(d.dimsKey).toBe(dimsKey(d.values));
    }
  });

  it('keeps apart events that differ in any single dimension', () => {
    const base = sampleUsage('base', { endUser: 'u', plugin: 'p', promptRef: 'q@1', bizLevel: 'normal' });
    const changed: Record<UsageDimension, Partial<UsageEvent>> = {
      tenant: { tenantId: 'other' }, app: { appId: 'other' }, key: { keyId: 'other' }, end_user: { endUser: undefined },
      model: { requestedModel: 'other' }, upstream_model: { upstreamModel: 'other' }, deployment: { deploymentId: 'other' },
      provider: { providerId: 'other' }, biz_level: { bizLevel: 'premium' }, plugin: { plugin: undefined }, prompt: { promptRef: 'q@2' },
      status: { status: 'timeout' }, currency: { currency: 'CNY' },
    };
    const events = [base, ...USAGE_DIMENSIONS.map((d) => ({ ...base, requestId: d, ...changed[d] }))];
    const full = rollupDeltas(FULL_ROLLUP, hourGroups(events));
    expect(full).toHaveLength(events.length);
    expect(full.every((d) => d.metrics.attempts === 1)).toBe(true);
  });

  it('sums events of one group and buckets days at 00:00 UTC+08:00', () => {
    const dayStart = NOV_2026_SHANGHAI; // 16:00 UTC
    const events = [
      sampleUsage('a', { startedAt: dayStart - 1, costMicros: 1 }), // previous Shanghai day
      sampleUsage('b', { startedAt: dayStart, costMicros: 10 }),
      sampleUsage('c', { startedAt: dayStart + 23 * HOUR, costMicros: 100, attempt: 2, status: 'upstream_error', unpriced: true }),
    ];
    const groups = hourGroups(events);
    const daily = rollupDeltas(ROLLUP_TABLES.find((s) => s.name === 'usage_rollup_daily_core') as RollupTableSpec, groups);
    expect([...new Set(daily.map((d) => d.bucketStart))]).toEqual([dayStart - 24 * HOUR, dayStart]);
    expect(daily.filter((d) => d.bucketStart < dayStart).map((d) => d.metrics.cost_micros)).toEqual([1]);
    const day = daily.filter((d) => d.bucketStart === dayStart);
    expect(day.reduce((s, d) => s + d.metrics.requests, 0)).toBe(1);
    expect(day.reduce((s, d) => s + d.metrics.attempts, 0)).toBe(2);
    expect(day.reduce((s, d) => s + d.metrics.unpriced_count, 0)).toBe(1);
    expect(day.reduce((s, d) => s + d.metrics.cost_micros, 0)).toBe(110);
  });
});
