/**
 * One ledger row per upstream attempt, priced by the deployment that SERVED it.
 */
import type { Usage } from '../../core/chat.js';
import type { BizLevel, Deployment, Principal, UsageEvent, UsageStatus } from '../../core/domain.js';
import { priceUsage } from './pricing.js';

export interface AttemptRecord {
  requestId: string;
  attempt: number;
  startedAt: number;
  finishedAt: number;
  principal: Principal;
  requestedModel: string;
  deployment: Deployment;
  decision?: string;
  bizLevel?: BizLevel;
  stream: boolean;
  status: UsageStatus;
  errorCode?: string;
  /** Undefined: nothing was produced and nothing reported (e.g. error before first byte). */
  usage?: Usage;
  ttftMs?: number;
  plugin?: string;
  promptRef?: string;
}

export function buildUsageEvent(rec: AttemptRecord): UsageEvent {
  const usage = rec.usage;
  const priced = usage ? priceUsage(usage, rec.deployment.price) : undefined;
  const unpriced = rec.deployment.price === undefined;
  const event: UsageEvent = {
    requestId: rec.requestId,
    attempt: rec.attempt,
    startedAt: rec.startedAt,
    finishedAt: rec.finishedAt,
    tenantId: rec.principal.tenantId,
    appId: rec.principal.appId,
    keyId: rec.principal.keyId,
    requestedModel: rec.requestedModel,
    deploymentId: rec.deployment.id,
    providerId: rec.deployment.providerId,
    upstreamModel: rec.deployment.model,
    stream: rec.stream,
    status: rec.status,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
    usageSource: usage ? usage.source : 'none',
    costMicros: priced?.costMicros ?? 0,
    currency: rec.deployment.price?.currency ?? 'USD',
    unpriced,
    latencyMs: rec.finishedAt - rec.startedAt,
  };
  if (rec.principal.endUser !== undefined) event.endUser = rec.principal.endUser;
  if (rec.errorCode !== undefined) event.errorCode = rec.errorCode;
  if (rec.decision !== undefined) event.decision = rec.decision;
  if (rec.bizLevel !== undefined) event.bizLevel = rec.bizLevel;
  if (rec.ttftMs !== undefined) event.ttftMs = rec.ttftMs;
  if (rec.plugin !== undefined) event.plugin = rec.plugin;
  if (rec.promptRef !== undefined) event.promptRef = rec.promptRef;
  return event;
}
