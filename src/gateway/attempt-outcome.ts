/**
 * How an attempt's failure is classified — for the ledger status, for the scheduler's health
 * feedback — and which client error an empty plan becomes. Fields only, never messages.
 */
import type { UsageStatus } from '../core/domain.js';
import { HubError } from '../core/errors.js';
import type { AttemptResult, RouteCandidate, RoutePlan, RouteRequest } from '../core/scheduling.js';

/** Ledger status of a failed attempt by error code (default `upstream_error`). */
export const FAILED_STATUS: Partial<Record<string, UsageStatus>> = {
  client_closed_request: 'client_aborted',
  upstream_timeout: 'timeout',
  deadline_exceeded: 'timeout',
};

/** Health feedback of a failed attempt: 429 is throttling, a client error says nothing about health. */
export function feedbackResult(err: HubError): AttemptResult {
  if (err.code === 'upstream_rate_limited') return 'throttled';
  if (err.code === 'upstream_timeout') return 'timeout';
  if (!err.failover && !err.retryable) return 'client_error';
  return 'error';
}

/** Turns "every candidate filtered out" into the most useful client error. */
export function emptyPlanError(model: string, plan: RoutePlan, routeRequest: RouteRequest, candidates: readonly RouteCandidate[]): HubError {
  const removed = (filter: string): boolean => (plan.filtered[filter] ?? 0) > 0;
  if (removed('budget')) {
    if (candidates.every((c) => c.deployment.price === undefined)) {
      return new HubError('unpriced_model', `A budget applies, but no deployment of "${model}" has a price; ask the operator to price it.`);
    }
    return new HubError('budget_exceeded', `No deployment of "${model}" fits the remaining budget.`);
  }
  if (removed('context')) {
    return new HubError('context_length_exceeded', `The prompt (~${routeRequest.inputTokens} tokens) plus max tokens (${routeRequest.maxOutputTokens}) exceed the context window of every deployment of "${model}".`);
  }
  if (removed('capabilities')) {
    return new HubError('invalid_request', `No deployment of "${model}" has the required capabilities: ${routeRequest.capabilities.join(', ')}.`, { param: 'model' });
  }
  if (removed('maxCost')) return new HubError('budget_exceeded', `No deployment of "${model}" fits the request's max cost.`);
  return new HubError('no_deployment_available', `Every deployment of "${model}" is currently unavailable (unhealthy, throttled or at capacity). Retry later.`);
}
