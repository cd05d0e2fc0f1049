/** Random ledger rows and a reference (plain JS) aggregation for the usage analytics tests. */
import { mulberry32 } from '../../src/lib/prng.js';
import type { UsageEvent, UsageStatus } from '../../src/core/domain.js';
import type { UsageBucketSpec, UsageDimension, UsageGroupRow, UsageMetrics } from '../../src/core/store.js';

/** mulberry32: a small seeded PRNG so a failure reproduces. */
export const seededRandom = mulberry32;

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
const maybe = <T>(rnd: () => number, value: T): T | undefined => (rnd() < 0.5 ? value : undefined);

export const HOUR = 3_600_000;
/** 2026-11-01T00:00:00+08:00 */
export const NOV_2026_SHANGHAI = Date.UTC(2026, 9, 31, 16);

/** `count` random rows over `spanMs` from `start`; some on exact hour boundaries. */
export function randomUsageRows(rnd: () => number, count: number, start: number, spanMs: number, prefix = 'r'): UsageEvent[] {
  const statuses: UsageStatus[] = ['ok', 'ok', 'ok', 'upstream_error', 'client_aborted', 'timeout'];
  const rows: UsageEvent[] = [];
  for (let i = 0; i < count; i++) {
    const onBoundary = rnd() < 0.05;
    const startedAt = onBoundary ? start + Math.floor((rnd() * spanMs) / HOUR) * HOUR : start + Math.floor(rnd() * spanMs);
    const tenantId = pick(rnd, ['t1', 't2', 't3']);
    const unpriced = rnd() < 0.05;
    const row: UsageEvent = {
      requestId: `${prefix}-${Math.floor(i / 2)}`,
      attempt: (i % 2) + 1,
      startedAt,
      finishedAt: startedAt + Math.floor(rnd() * 5000),
      tenantId,
      appId: `${tenantId}-${pick(rnd, ['crm', 'bi', 'ops'])}`,
      keyId: `k${Math.floor(rnd() * 5)}`,
      requestedModel: pick(rnd, ['chat-standard', 'chat-premium', 'auto', 'gpt-4o']),
      deploymentId: pick(rnd, ['sim-a', 'sim-b', 'deepseek-chat@ds']),
      providerId: pick(rnd, ['sim', 'ds']),
      upstreamModel: pick(rnd, ['m1', 'm2']),
      stream: rnd() < 0.5,
      status: pick(rnd, statuses),
      inputTokens: Math.floor(rnd() * 5000),
      outputTokens: Math.floor(rnd() * 2000),
      cachedInputTokens: Math.floor(rnd() * 300),
      cacheWriteTokens: Math.floor(rnd() * 100),
      reasoningTokens: Math.floor(rnd() * 100),
      usageSource: 'provider',
      costMicros: unpriced ? 0 : Math.floor(rnd() * 50_000_000),
      currency: pick(rnd, ['USD', 'CNY']),
      unpriced,
      latencyMs: Math.floor(rnd() * 9000),
    };
    const endUser = maybe(rnd, pick(rnd, ['alice', 'bob', 'a,"quoted"\nuser', '张三']));
    if (endUser !== undefined) row.endUser = endUser;
    const plugin = maybe(rnd, pick(rnd, ['contract-extract', 'news-summary']));
    if (plugin !== undefined) row.plugin = plugin;
    const prompt = maybe(rnd, pick(rnd, ['greet@1', 'greet@2']));
    if (prompt !== undefined) row.promptRef = prompt;
    const biz = maybe(rnd, pick(rnd, ['premium', 'normal', 'economy'] as const));
    if (biz !== undefined) row.bizLevel = biz;
    rows.push(row);
  }
  return rows;
}

const FIELD: Record<UsageDimension, (e: UsageEvent) => string | undefined> = {
  tenant: (e) => e.tenantId, app: (e) => e.appId, key: (e) => e.keyId, end_user: (e) => e.endUser, model: (e) => e.requestedModel,
  upstream_model: (e) => e.upstreamModel, deployment: (e) => e.deploymentId, provider: (e) => e.providerId, biz_level: (e) => e.bizLevel,
  plugin: (e) => e.plugin, prompt: (e) => e.promptRef, status: (e) => e.status, currency: (e) => e.currency,
};

export function zeroMetrics(): UsageMetrics {
  return { requests: 0, attempts: 0, okCount: 0, errorCount: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costMicros: 0, unpricedCount: 0, latencyMsSum: 0 };
}

export function metricsOfEvent(e: UsageEvent): UsageMetrics {
  return {
    requests: e.attempt === 1 ? 1 : 0, attempts: 1, okCount: e.status === 'ok' ? 1 : 0, errorCount: e.status === 'ok' ? 0 : 1,
    inputTokens: e.inputTokens, outputTokens: e.outputTokens, cachedInputTokens: e.cachedInputTokens, cacheWriteTokens: e.cacheWriteTokens,
    reasoningTokens: e.reasoningTokens, costMicros: e.costMicros, unpricedCount: e.unpriced ? 1 : 0, latencyMsSum: e.latencyMs,
  };
}

function bucketOf(spec: UsageBucketSpec, t: number): number | undefined {
  if (spec.kind === 'none') return undefined;
  if (spec.kind === 'uniform') return spec.originMs + Math.floor((t - spec.originMs) / spec.sizeMs) * spec.sizeMs;
  let found = spec.starts[0] as number;
  for (const s of spec.starts) if (s <= t) found = s;
  return found;
}

/** What the store must answer, computed from raw rows in plain JS. */
export function referenceGroups(
  events: readonly UsageEvent[], q: { from: number; to: number; bucket: UsageBucketSpec; groupBy: UsageDimension[]; filters: Partial<Record<UsageDimension, string[]>> },
): UsageGroupRow[] {
  const dims = [...new Set(q.groupBy)];
  if (!dims.includes('currency')) dims.push('currency');
  const out = new Map<string, UsageGroupRow>();
  for (const e of events) {
    if (e.startedAt < q.from || e.startedAt >= q.to) continue;
    if (Object.entries(q.filters).some(([d, vals]) => !(vals ?? []).includes(FIELD[d as UsageDimension](e) ?? '\u0000'))) continue;
    const bucketStart = bucketOf(q.bucket, e.startedAt);
    const values = dims.map((d) => FIELD[d](e) ?? null);
    const id = JSON.stringify([bucketStart ?? null, values]);
    let row = out.get(id);
    if (row === undefined) {
      row = { dims: Object.fromEntries(dims.map((d, i) => [d, values[i]])), metrics: zeroMetrics() };
      if (bucketStart !== undefined) row.bucketStart = bucketStart;
      out.set(id, row);
    }
    const m = metricsOfEvent(e);
    for (const k of Object.keys(m) as (keyof UsageMetrics)[]) row.metrics[k] += m[k];
  }
  return [...out.values()];
}

/** Order-independent form for comparison. */
export function canonical(rows: readonly UsageGroupRow[]): string[] {
  return rows.map((r) => JSON.stringify([r.bucketStart ?? null, Object.entries(r.dims).sort(), r.metrics])).sort();
}
