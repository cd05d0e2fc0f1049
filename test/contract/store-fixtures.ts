/** Sample records for the storage contract suites. */
import type { Deployment, ProviderRecord, UsageEvent } from '../../src/core/domain.js';

export function sampleProvider(id: string, extra: Partial<ProviderRecord> = {}): ProviderRecord {
  return { id, kind: 'openai', headers: {}, options: {}, allowPrivateNetwork: false, ...extra };
}

export function sampleDeployment(id: string, providerId: string, extra: Partial<Deployment> = {}): Deployment {
  return {
    id,
    providerId,
    model: `${id}-model`,
    tier: 'standard',
    capabilities: ['code'],
    contextWindow: 128_000,
    limits: {},
    weight: 1,
    status: 'enabled',
    ...extra,
  };
}

export function sampleUsage(requestId: string, extra: Partial<UsageEvent> = {}): UsageEvent {
  return {
    requestId,
    attempt: 1,
    startedAt: 1_700_000_000_000,
    finishedAt: 1_700_000_000_500,
    tenantId: 't1',
    appId: 'a1',
    keyId: 'k1',
    requestedModel: 'chat-standard',
    deploymentId: 'd1',
    providerId: 'p1',
    upstreamModel: 'm1',
    stream: false,
    status: 'ok',
    inputTokens: 100,
    outputTokens: 50,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    usageSource: 'provider',
    costMicros: 1234,
    currency: 'USD',
    unpriced: false,
    latencyMs: 500,
    ...extra,
  };
}
