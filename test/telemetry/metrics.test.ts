/**
 * The local counters and histograms must be indistinguishable from plain prom-client metrics
 * through the registry (`/metrics` text and JSON), including errors; `recordAttempt` must
 * write what the former inline `onUsage` body wrote.
 */
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/core/domain.js';
import { localCounter } from '../../src/telemetry/local-counter.js';
import { LocalHistogram } from '../../src/telemetry/local-histogram.js';
import { createMetrics, LATENCY_BUCKETS } from '../../src/telemetry/metrics.js';

type HistogramCtor = new (config: client.HistogramConfiguration<'route' | 'kind'>) => client.Histogram<'route' | 'kind'>;

function histogramPair(buckets?: number[]) {
  const make = (Ctor: HistogramCtor) => {
    const registry = new client.Registry();
    const h = new Ctor({ name: 'h_seconds', help: 'h', labelNames: ['route', 'kind'], registers: [registry], ...(buckets ? { buckets } : {}) });
    return { registry, h };
  };
  return { plain: make(client.Histogram), local: make(LocalHistogram) };
}

async function expectSameExport(a: client.Registry, b: client.Registry): Promise<void> {
  expect(await b.metrics()).toBe(await a.metrics());
  expect(await b.getMetricsAsJSON()).toStrictEqual(await a.getMetricsAsJSON());
}

/** Deterministic values around and beyond the bucket bounds. */
function values(n: number): number[] {
  const out: number[] = [];
  let x = 7;
  for (let i = 0; i < n; i++) {
    x = (x * 48_271) % 2_147_483_647;
    const bound = LATENCY_BUCKETS[x % LATENCY_BUCKETS.length] as number;
    out.push(i % 5 === 0 ? bound : (x % 10_000) / 997); // exact bounds, and 0 … ~10 s (some beyond 10)
  }
  out.push(0, 60, 61, 1e-9);
  return out;
}

describe('LocalHistogram', () => {
  it('exports exactly what a prom-client Histogram exports for the same observations', async () => {
    const { plain, local } = histogramPair([...LATENCY_BUCKETS]);
    const routes = ['/v1/chat/completions', '/v1/embeddings', '/v1/messages'];
    values(600).forEach((v, i) => {
      const labels = { route: routes[i % 3] as string, kind: i % 4 === 0 ? 'stream' : 'json' };
      plain.h.observe(labels, v);
      local.h.observe(labels, v);
    });
    // The unlabelled forms and a held series.
    plain.h.observe(0.3);
    local.h.observe(0.3);
    const held = (local.h as LocalHistogram<'route' | 'kind'>).series({ route: '/held' });
    for (const v of [0.001, 0.2, 99]) {
      plain.h.observe({ route: '/held' }, v);
      held.observe(v);
    }
    plain.h.labels({ route: '/labels', kind: 'x' }).observe(0.05);
    local.h.labels({ route: '/labels', kind: 'x' }).observe(0.05);
    plain.h.labels('/pos', 'y').observe(2);
    local.h.labels('/pos', 'y').observe(2);
    await expectSameExport(plain.registry, local.registry);
  });

  it('zero, remove and reset behave as in prom-client, and held series stay valid', async () => {
    const { plain, local } = histogramPair();
    const held = (local.h as LocalHistogram<'route' | 'kind'>).series({ route: 'a' });
    for (const h of [plain.h, local.h]) {
      h.observe({ route: 'a' }, 0.2);
      h.observe({ route: 'b' }, 0.4);
      h.zero({ route: 'c' });
      h.zero({ route: 'a', kind: undefined });
    }
    await expectSameExport(plain.registry, local.registry);
    for (const h of [plain.h, local.h]) h.remove({ route: 'b' });
    await expectSameExport(plain.registry, local.registry);
    plain.h.observe({ route: 'b' }, 3);
    local.h.observe({ route: 'b' }, 3);
    await expectSameExport(plain.registry, local.registry);
    for (const h of [plain.h, local.h]) h.reset();
    await expectSameExport(plain.registry, local.registry);
    // Series reappear in the order of their first observation after the reset.
    for (const h of [plain.h, local.h]) h.observe({ route: 'c' }, 1);
    plain.h.observe({ route: 'a' }, 0.01);
    held.observe(0.01);
    await expectSameExport(plain.registry, local.registry);
  });

  it('an unlabelled histogram exports its empty series from the start', async () => {
    const a = new client.Registry();
    const b = new client.Registry();
    const plain = new client.Histogram({ name: 'u', help: 'u', registers: [a] });
    const local = new LocalHistogram({ name: 'u', help: 'u', registers: [b] });
    await expectSameExport(a, b);
    plain.observe(0.7);
    local.observe(0.7);
    plain.reset();
    local.reset();
    await expectSameExport(a, b);
  });

  it('refuses unknown labels and non-finite values with prom-client errors', () => {
    const { plain, local } = histogramPair();
    const bad = { route: 'x', nope: 'y' } as unknown as { route: string };
    expect(() => local.h.observe(bad, 1)).toThrow(captureError(() => plain.h.observe(bad, 1)));
    expect(() => local.h.observe({ route: 'x' }, Number.NaN)).toThrow(captureError(() => plain.h.observe({ route: 'x' }, Number.NaN)));
    expect(() => local.h.observe(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => new LocalHistogram({ name: 'd', help: 'd', buckets: [1, 1, 2], registers: [] })).toThrow(/strictly increasing/);
  });
});

function captureError(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a throw');
}

describe('localCounter', () => {
  function counterPair() {
    const a = new client.Registry();
    const b = new client.Registry();
    const config = { name: 'c_total', help: 'c', labelNames: ['deployment', 'kind'] as const };
    return {
      a, b,
      plain: new client.Counter<'deployment' | 'kind'>({ ...config, labelNames: [...config.labelNames], registers: [a] }),
      local: localCounter<'deployment' | 'kind'>({ ...config, labelNames: [...config.labelNames], registers: [b] }),
    };
  }

  it('exports what a prom-client Counter exports, through inc, series, reset and remove', async () => {
    const { a, b, plain, local } = counterPair();
    const held = local.series({ deployment: 'd1', kind: 'input' });
    plain.inc({ deployment: 'd1', kind: 'input' }, 0); // a held series exists at 0, like a first inc
    await expectSameExport(a, b);
    for (let i = 0; i < 50; i++) {
      plain.inc({ deployment: `d${i % 3}`, kind: 'output' }, i);
      local.inc({ deployment: `d${i % 3}`, kind: 'output' }, i);
      plain.inc({ deployment: 'd1', kind: 'input' }, 2);
      held.inc(2);
    }
    plain.inc({ deployment: 'd9' });
    local.inc({ deployment: 'd9' });
    // Values compare as strings; an undefined label is an absent one; 'undefined' is a value.
    for (const labels of [{ deployment: 7 }, { deployment: '7' }, { deployment: 'd9', kind: undefined }, { deployment: 'undefined' }, { kind: 'x' }]) {
      plain.inc(labels, 1);
      local.inc(labels, 1);
    }
    await expectSameExport(a, b);
    for (const c of [plain, local]) c.remove({ deployment: 'd1', kind: 'input' });
    await expectSameExport(a, b);
    plain.inc({ deployment: 'd1', kind: 'input' }, 5);
    held.inc(5);
    await expectSameExport(a, b);
    for (const c of [plain, local]) c.reset();
    await expectSameExport(a, b);
    // Series reappear in the order of their first increment after the reset.
    for (const c of [plain, local]) c.inc({ deployment: 'd2', kind: 'output' }, 3);
    plain.inc({ deployment: 'd1', kind: 'input' }, 0);
    held.inc(0);
    for (const c of [plain, local]) c.inc({ deployment: 'd0', kind: 'output' });
    await expectSameExport(a, b);
  });

  it('refuses a negative increment and unknown labels with prom-client errors', () => {
    const { plain, local } = counterPair();
    expect(() => local.series({ deployment: 'x' }).inc(-1)).toThrow(captureError(() => plain.inc({ deployment: 'x' }, -1)));
    // Labels are validated when a tuple is first seen (later increments of it skip the check).
    const bad = { deployment: 'y', nope: 1 } as unknown as { deployment: string };
    expect(() => local.inc(bad)).toThrow(captureError(() => plain.inc(bad)));
  });
});

describe('recordAttempt', () => {
  /** The metrics and the `onUsage` body main.ts had before, on plain prom-client metrics. */
  function reference() {
    const registry = new client.Registry();
    const reg = [registry];
    const buckets = [...LATENCY_BUCKETS];
    const m = {
      registry,
      requests: new client.Counter({ name: 'zhongshu_requests_total', help: 'Client requests by route, HTTP status and tenant', labelNames: ['route', 'status', 'tenant'], registers: reg }),
      requestDuration: new client.Histogram({ name: 'zhongshu_request_duration_seconds', help: 'End-to-end request duration', labelNames: ['route'], buckets, registers: reg }),
      attempts: new client.Counter({ name: 'zhongshu_upstream_attempts_total', help: 'Upstream attempts by deployment and result', labelNames: ['deployment', 'result'], registers: reg }),
      attemptDuration: new client.Histogram({ name: 'zhongshu_upstream_attempt_duration_seconds', help: 'Upstream attempt duration', labelNames: ['deployment'], buckets, registers: reg }),
      timeToFirstToken: new client.Histogram({ name: 'zhongshu_time_to_first_token_seconds', help: 'Time to first token of streamed attempts', labelNames: ['deployment'], buckets, registers: reg }),
      tokens: new client.Counter({ name: 'zhongshu_tokens_total', help: 'Tokens by deployment, tenant and kind (input, output, cached)', labelNames: ['deployment', 'tenant', 'kind'], registers: reg }),
      costMicros: new client.Counter({ name: 'zhongshu_cost_micros_total', help: 'Billed cost in micro-units', labelNames: ['deployment', 'tenant', 'currency'], registers: reg }),
      unpricedAttempts: new client.Counter({ name: 'zhongshu_unpriced_attempts_total', help: 'Attempts served by a deployment without a price', labelNames: ['deployment'], registers: reg }),
      responseCache: new client.Counter({ name: 'zhongshu_response_cache_total', help: 'Response cache outcomes (hit, miss, bypass) by tenant', labelNames: ['tenant', 'result'], registers: reg }),
      ledgerQueue: new client.Gauge({ name: 'zhongshu_ledger_queue_rows', help: 'Usage rows waiting to be written', registers: reg }),
    };
    const onUsage = (event: UsageEvent): void => {
      const labels = { deployment: event.deploymentId, tenant: event.tenantId };
      m.attempts.inc({ deployment: event.deploymentId, result: event.status });
      m.attemptDuration.observe({ deployment: event.deploymentId }, event.latencyMs / 1000);
      if (event.ttftMs !== undefined) m.timeToFirstToken.observe({ deployment: event.deploymentId }, event.ttftMs / 1000);
      m.tokens.inc({ ...labels, kind: 'input' }, event.inputTokens);
      m.tokens.inc({ ...labels, kind: 'output' }, event.outputTokens);
      m.tokens.inc({ ...labels, kind: 'cached' }, event.cachedInputTokens);
      m.costMicros.inc({ ...labels, currency: event.currency }, event.costMicros);
      if (event.unpriced) m.unpricedAttempts.inc({ deployment: event.deploymentId });
    };
    return { m, onUsage };
  }

  function event(i: number): UsageEvent {
    const unpriced = i % 7 === 3;
    return {
      requestId: `req_${i}`, attempt: 1, startedAt: 1_000, finishedAt: 1_000 + ((i * 37) % 3_000), tenantId: `t${i % 3}`, appId: 'a', keyId: 'k',
      requestedModel: 'm', deploymentId: `dep-${i % 4}`, providerId: 'p', upstreamModel: 'm', stream: i % 2 === 0,
      status: (['ok', 'ok', 'upstream_error', 'timeout', 'client_aborted'] as const)[i % 5] as UsageEvent['status'],
      inputTokens: (i * 13) % 500, outputTokens: (i * 29) % 900, cachedInputTokens: i % 3 === 0 ? 64 : 0, cacheWriteTokens: 0, reasoningTokens: 0,
      usageSource: 'provider', costMicros: unpriced ? 0 : (i * 101) % 5_000, currency: i % 6 === 0 ? 'CNY' : 'USD', unpriced,
      latencyMs: (i * 37) % 3_000, ...(i % 2 === 0 ? { ttftMs: (i * 11) % 900 } : {}),
    };
  }

  it('writes the same /metrics as the former inline onUsage body', async () => {
    const ref = reference();
    const metrics = createMetrics();
    for (let i = 0; i < 400; i++) {
      ref.onUsage(event(i));
      metrics.recordAttempt(event(i));
      if (i === 150) await expectSameExport(ref.m.registry, metrics.registry); // a scrape mid-way
    }
    ref.m.requests.inc({ route: '/v1/chat/completions', status: '200', tenant: 't0' });
    metrics.requests.inc({ route: '/v1/chat/completions', status: '200', tenant: 't0' });
    ref.m.requestDuration.observe({ route: '/v1/chat/completions' }, 0.012);
    metrics.requestDuration.observe({ route: '/v1/chat/completions' }, 0.012);
    await expectSameExport(ref.m.registry, metrics.registry);
  });
});
