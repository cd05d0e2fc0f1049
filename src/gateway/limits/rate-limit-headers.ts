/**
 * Response headers for a rate-limit decision, OpenAI-style (plain record, no HTTP types):
 *
 *   x-ratelimit-limit-requests      limit of the tightest RPM bucket
 *   x-ratelimit-remaining-requests  whole requests left in it
 *   x-ratelimit-reset-requests      time until it is completely refilled, e.g. `1s`, `6m0s`, `20ms`
 *   x-ratelimit-{limit,remaining,reset}-tokens   the same for the tightest TPM bucket
 *   retry-after                     rejections only: whole seconds, rounded up, at least 1
 *   retry-after-ms                  rejections only: exact milliseconds (read by the OpenAI SDKs)
 */
import type { RateLimitDecision, RateLimitStatus } from './rate-limit.js';

/** Go-style duration as OpenAI sends it: `250ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`. */
export function formatResetDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const millis = total % 60_000;
  const seconds = millis % 1000 === 0 ? String(millis / 1000) : `${Math.floor(millis / 1000)}.${fraction(millis % 1000)}`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** Milliseconds 1–999 as the decimals of a second without trailing zeros: 5 → `005`, 500 → `5`. */
function fraction(ms: number): string {
  const digits = ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : String(ms);
  return ms % 100 === 0 ? digits.slice(0, 1) : ms % 10 === 0 ? digits.slice(0, 2) : digits;
}

function addStatus(headers: Record<string, string>, suffix: 'requests' | 'tokens', status: RateLimitStatus | undefined): void {
  if (status === undefined) return;
  headers[`x-ratelimit-limit-${suffix}`] = String(status.limit);
  headers[`x-ratelimit-remaining-${suffix}`] = String(status.remaining);
  headers[`x-ratelimit-reset-${suffix}`] = formatResetDuration(status.resetMs);
}

/** Headers to put on the response (admitted or rejected) for this decision. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {};
  addStatus(headers, 'requests', decision.requests);
  addStatus(headers, 'tokens', decision.tokens);
  if (!decision.allowed) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
    headers['retry-after-ms'] = String(Math.max(0, Math.ceil(decision.retryAfterMs)));
  }
  return headers;
}
