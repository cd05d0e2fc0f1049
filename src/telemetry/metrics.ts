/**
 * Prometheus metrics (prom-client), one registry per hub instance so tests can run several
 * hubs in one process. Label sets are small and bounded: tenant/app ids and deployment ids
 * come from configuration, never from free-form request fields.
 *
 * Counters and histograms accumulate on the request path in local slots and are read by
 * prom-client when the registry is scraped (local-counter.ts, local-histogram.ts): same
 * names, types, labels and buckets, same `/metrics` output as plain prom-client metrics.
 */
import client from 'prom-client';
import type { UsageEvent } from '../core/domain.js';
import { createAttemptRecorder } from './attempt-metrics.js';
import { localCounter, type LocalCounter } from './local-counter.js';
import { LocalHistogram } from './local-histogram.js';

export interface HubMetrics {
  registry: client.Registry;
  requests: LocalCounter<'route' | 'status' | 'tenant'>;
  requestDuration: LocalHistogram<'route'>;
  attempts: LocalCounter<'deployment' | 'result'>;
  attemptDuration: LocalHistogram<'deployment'>;
  timeToFirstToken: LocalHistogram<'deployment'>;
  tokens: LocalCounter<'deployment' | 'tenant' | 'kind'>;
  costMicros: LocalCounter<'deployment' | 'tenant' | 'currency'>;
  unpricedAttempts: LocalCounter<'deployment'>;
  /** Response cache outcomes (hit, miss, bypass) of apps that enable the cache. */
  responseCache: LocalCounter<'tenant' | 'result'>;
  ledgerQueue: client.Gauge;
  /** Records one upstream attempt (its ledger row): attempts, durations, tokens, cost, unpriced. */
  recordAttempt(event: UsageEvent): void;
}

export const LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(): HubMetrics {
  const registry = new client.Registry();
  const reg = [registry];
  const buckets = [...LATENCY_BUCKETS];
  const metrics: Omit<HubMetrics, 'recordAttempt'> = {
    registry,
    requests: localCounter({ name: 'zhongshu_requests_total', help: 'Client requests by route, HTTP status and tenant', labelNames: ['route', 'status', 'tenant'], registers: reg }),
    requestDuration: new LocalHistogram({ name: 'zhongshu_request_duration_seconds', help: 'End-to-end request duration', labelNames: ['route'], buckets, registers: reg }),
    attempts: localCounter({ name: 'zhongshu_upstream_attempts_total', help: 'Upstream attempts by deployment and result', labelNames: ['deployment', 'result'], registers: reg }),
    attemptDuration: new LocalHistogram({ name: 'zhongshu_upstream_attempt_duration_seconds', help: 'Upstream attempt duration', labelNames: ['deployment'], buckets, registers: reg }),
    timeToFirstToken: new LocalHistogram({ name: 'zhongshu_time_to_first_token_seconds', help: 'Time to first token of streamed attempts', labelNames: ['deployment'], buckets, registers: reg }),
    tokens: localCounter({ name: 'zhongshu_tokens_total', help: 'Tokens by deployment, tenant and kind (input, output, cached)', labelNames: ['deployment', 'tenant', 'kind'], registers: reg }),
    costMicros: localCounter({ name: 'zhongshu_cost_micros_total', help: 'Billed cost in micro-units', labelNames: ['deployment', 'tenant', 'currency'], registers: reg }),
    unpricedAttempts: localCounter({ name: 'zhongshu_unpriced_attempts_total', help: 'Attempts served by a deployment without a price', labelNames: ['deployment'], registers: reg }),
    responseCache: localCounter({ name: 'zhongshu_response_cache_total', help: 'Response cache outcomes (hit, miss, bypass) by tenant', labelNames: ['tenant', 'result'], registers: reg }),
    ledgerQueue: new client.Gauge({ name: 'zhongshu_ledger_queue_rows', help: 'Usage rows waiting to be written', registers: reg }),
  };
  return { ...metrics, recordAttempt: createAttemptRecorder(metrics) };
}
