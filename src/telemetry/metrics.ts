/**
 * Prometheus metrics (prom-client), one registry per hub instance so tests can run several
 * hubs in one process. Label sets are small and bounded: tenant/app ids and deployment ids
 * come from configuration, never from free-form request fields.
 */
import client from 'prom-client';

export interface HubMetrics {
  registry: client.Registry;
  requests: client.Counter<'route' | 'status' | 'tenant'>;
  requestDuration: client.Histogram<'route'>;
  attempts: client.Counter<'deployment' | 'result'>;
  attemptDuration: client.Histogram<'deployment'>;
  timeToFirstToken: client.Histogram<'deployment'>;
  tokens: client.Counter<'deployment' | 'tenant' | 'kind'>;
  costMicros: client.Counter<'deployment' | 'tenant' | 'currency'>;
  unpricedAttempts: client.Counter<'deployment'>;
  /** Response cache outcomes (hit, miss, bypass) of apps that enable the cache. */
  responseCache: client.Counter<'tenant' | 'result'>;
  ledgerQueue: client.Gauge;
}

/** Label tuples a counter accumulates locally; beyond this, increments go to prom-client directly. */
const MAX_LOCAL_SERIES = 10_000;

/**
 * A prom-client Counter whose `inc` on the request path is a Map lookup and an addition: the
 * labels of a tuple are validated once (its first increment, which also creates the series at
 * 0), and the sums are handed to prom-client when the registry is read (`collect`), so
 * `/metrics` and `get()` always see every increment. Same metric name, type and labels.
 */
function localCounter<T extends string>(config: client.CounterConfiguration<T>): client.Counter<T> {
  const names: readonly string[] = config.labelNames ?? [];
  const pending = new Map<string, { labels: client.LabelValues<T>; value: number }>();
  const flush = (): void => {
    for (const slot of pending.values()) {
      if (slot.value === 0) continue;
      const value = slot.value;
      slot.value = 0;
      base(slot.labels, value);
    }
  };
  const counter = new client.Counter<T>({ ...config, collect: flush });
  // prom-client's own increment (an instance property set by its constructor).
  const base = counter.inc.bind(counter) as (labels?: client.LabelValues<T> | number, value?: number) => void;
  const inc = (labels?: client.LabelValues<T> | number, value?: number): void => {
    const v = value ?? 1;
    // No labels, or a value prom-client refuses (negative, NaN, infinite): its own path and errors.
    if (typeof labels !== 'object' || labels === null || !(v >= 0 && v < Number.POSITIVE_INFINITY)) {
      base(labels, value);
      return;
    }
    let key = '';
    for (const name of names) key += `${String((labels as Record<string, unknown>)[name])}\u0001`;
    let slot = pending.get(key);
    if (slot === undefined) {
      if (pending.size >= MAX_LOCAL_SERIES) return base(labels, v);
      base(labels, 0); // validates the label names and creates the series
      slot = { labels: { ...labels }, value: 0 };
      pending.set(key, slot);
    }
    slot.value += v;
  };
  const baseReset = counter.reset.bind(counter);
  const baseRemove = counter.remove.bind(counter);
  Object.assign(counter, {
    inc,
    reset: () => {
      pending.clear();
      baseReset();
    },
    remove: (...args: Parameters<client.Counter<T>['remove']>) => {
      flush();
      pending.clear();
      baseRemove(...args);
    },
  });
  return counter;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(): HubMetrics {
  const registry = new client.Registry();
  const reg = [registry];
  return {
    registry,
    requests: localCounter({ name: 'zhongshu_requests_total', help: 'Client requests by route, HTTP status and tenant', labelNames: ['route', 'status', 'tenant'], registers: reg }),
    requestDuration: new client.Histogram({ name: 'zhongshu_request_duration_seconds', help: 'End-to-end request duration', labelNames: ['route'], buckets: LATENCY_BUCKETS, registers: reg }),
    attempts: localCounter({ name: 'zhongshu_upstream_attempts_total', help: 'Upstream attempts by deployment and result', labelNames: ['deployment', 'result'], registers: reg }),
    attemptDuration: new client.Histogram({ name: 'zhongshu_upstream_attempt_duration_seconds', help: 'Upstream attempt duration', labelNames: ['deployment'], buckets: LATENCY_BUCKETS, registers: reg }),
    timeToFirstToken: new client.Histogram({ name: 'zhongshu_time_to_first_token_seconds', help: 'Time to first token of streamed attempts', labelNames: ['deployment'], buckets: LATENCY_BUCKETS, registers: reg }),
    tokens: localCounter({ name: 'zhongshu_tokens_total', help: 'Tokens by deployment, tenant and kind (input, output, cached)', labelNames: ['deployment', 'tenant', 'kind'], registers: reg }),
    costMicros: localCounter({ name: 'zhongshu_cost_micros_total', help: 'Billed cost in micro-units', labelNames: ['deployment', 'tenant', 'currency'], registers: reg }),
    unpricedAttempts: localCounter({ name: 'zhongshu_unpriced_attempts_total', help: 'Attempts served by a deployment without a price', labelNames: ['deployment'], registers: reg }),
    responseCache: localCounter({ name: 'zhongshu_response_cache_total', help: 'Response cache outcomes (hit, miss, bypass) by tenant', labelNames: ['tenant', 'result'], registers: reg }),
    ledgerQueue: new client.Gauge({ name: 'zhongshu_ledger_queue_rows', help: 'Usage rows waiting to be written', registers: reg }),
  };
}
