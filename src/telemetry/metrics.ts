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

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(): HubMetrics {
  const registry = new client.Registry();
  const reg = [registry];
  return {
    registry,
    requests: new client.Counter({ name: 'zhongshu_requests_total', help: 'Client requests by route, HTTP status and tenant', labelNames: ['route', 'status', 'tenant'], registers: reg }),
    requestDuration: new client.Histogram({ name: 'zhongshu_request_duration_seconds', help: 'End-to-end request duration', labelNames: ['route'], buckets: LATENCY_BUCKETS, registers: reg }),
    attempts: new client.Counter({ name: 'zhongshu_upstream_attempts_total', help: 'Upstream attempts by deployment and result', labelNames: ['deployment', 'result'], registers: reg }),
    attemptDuration: new client.Histogram({ name: 'zhongshu_upstream_attempt_duration_seconds', help: 'Upstream attempt duration', labelNames: ['deployment'], buckets: LATENCY_BUCKETS, registers: reg }),
    timeToFirstToken: new client.Histogram({ name: 'zhongshu_time_to_first_token_seconds', help: 'Time to first token of streamed attempts', labelNames: ['deployment'], buckets: LATENCY_BUCKETS, registers: reg }),
    tokens: new client.Counter({ name: 'zhongshu_tokens_total', help: 'Tokens by deployment, tenant and kind (input, output, cached)', labelNames: ['deployment', 'tenant', 'kind'], registers: reg }),
    costMicros: new client.Counter({ name: 'zhongshu_cost_micros_total', help: 'Billed cost in micro-units', labelNames: ['deployment', 'tenant', 'currency'], registers: reg }),
    unpricedAttempts: new client.Counter({ name: 'zhongshu_unpriced_attempts_total', help: 'Attempts served by a deployment without a price', labelNames: ['deployment'], registers: reg }),
    responseCache: new client.Counter({ name: 'zhongshu_response_cache_total', help: 'Response cache outcomes (hit, miss, bypass) by tenant', labelNames: ['tenant', 'result'], registers: reg }),
    ledgerQueue: new client.Gauge({ name: 'zhongshu_ledger_queue_rows', help: 'Usage rows waiting to be written', registers: reg }),
  };
}
