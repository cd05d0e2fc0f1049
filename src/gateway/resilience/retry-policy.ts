/**
 * What to do after a failed attempt — read from HubError fields only, never messages.
 *  - client errors (neither retryable nor failover): stop, the client gets the error;
 *  - failover errors: next deployment of the plan;
 *  - retryable errors with no other deployment left: the same deployment again after a
 *    jittered backoff that honours Retry-After (up to `maxRetryAfterMs`; longer waits stop).
 */
import type { HubError } from '../../core/errors.js';

export interface RetryOptions {
  /** Total attempts per request, across deployments. Default 3. */
  maxAttempts: number;
  /** Base of the exponential backoff. Default 100 ms. */
  backoffBaseMs: number;
  /** Cap of one backoff. Default 2,000 ms. */
  backoffMaxMs: number;
  /** A Retry-After longer than this is not waited for on the same deployment. Default 5,000 ms. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 3,
  backoffBaseMs: 100,
  backoffMaxMs: 2_000,
  maxRetryAfterMs: 5_000,
};

export type NextStep = { action: 'stop' } | { action: 'next'; index: number; delayMs: number };

/** Full-jitter exponential backoff: uniform in [0, min(max, base·2^n)]. */
export function backoffMs(retry: number, opts: RetryOptions, random: () => number): number {
  const cap = Math.min(opts.backoffMaxMs, opts.backoffBaseMs * 2 ** retry);
  return Math.floor(random() * cap);
}

export function decideNextStep(
  err: HubError,
  attemptsMade: number,
  planIndex: number,
  planLength: number,
  opts: RetryOptions,
  random: () => number,
): NextStep {
  if (attemptsMade >= opts.maxAttempts) return { action: 'stop' };
  if (!err.failover && !err.retryable) return { action: 'stop' };
  if (err.failover && planIndex + 1 < planLength) return { action: 'next', index: planIndex + 1, delayMs: 0 };
  if (!err.retryable) return { action: 'stop' };
  const retryAfter = err.retryAfterMs;
  if (retryAfter !== undefined && retryAfter > opts.maxRetryAfterMs) return { action: 'stop' };
  const delay = Math.max(retryAfter ?? 0, backoffMs(attemptsMade - 1, opts, random));
  return { action: 'next', index: planIndex, delayMs: delay };
}
