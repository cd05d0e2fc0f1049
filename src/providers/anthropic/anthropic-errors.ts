/**
 * Anthropic error mapping: HTTP error answers (through the shared upstreamError) and
 * `event: error` frames inside a 200 stream.
 */
import { HubError, type ErrorCode } from '../../core/errors.js';
import { scrubSecret, upstreamError, type UpstreamErrorDetail } from '../shared/upstream-error.js';

export const ANTHROPIC_LABEL = 'anthropic';

/** Anthropic error `type` → hub code, for errors whose status alone says too little. */
const TYPE_CODES: Record<string, ErrorCode> = {
  overloaded_error: 'upstream_overloaded',
  rate_limit_error: 'upstream_rate_limited',
  authentication_error: 'upstream_auth_failed',
  permission_error: 'upstream_auth_failed',
  not_found_error: 'upstream_model_not_found',
  api_error: 'upstream_error',
  invalid_request_error: 'upstream_bad_request',
  request_too_large: 'upstream_bad_request',
};

/**
 * Vendor overrides of the status mapping: an exhausted credit balance comes as a 400
 * `invalid_request_error` and must fail over, not be blamed on the client; `overloaded_error`
 * is an overload whatever the status (529 and proxies' 503/500).
 */
export function classifyAnthropicError(status: number, detail: UpstreamErrorDetail | undefined): ErrorCode | undefined {
  if (detail?.type === 'overloaded_error') return 'upstream_overloaded';
  if (status === 400 && detail?.message && /credit balance/i.test(detail.message)) return 'upstream_insufficient_balance';
  return undefined;
}

export function anthropicHttpError(status: number, headers: Record<string, string | undefined>, bodyText: string, secret?: string): HubError {
  return upstreamError({
    status,
    headers,
    bodyText,
    provider: ANTHROPIC_LABEL,
    ...(secret ? { secret } : {}),
    classify: classifyAnthropicError,
  });
}

/** `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}` from a stream. */
export function anthropicEventError(payload: unknown, secret?: string): HubError {
  const error = (payload as { error?: { type?: unknown; message?: unknown } } | null)?.error;
  const type = typeof error?.type === 'string' ? error.type : undefined;
  const message = typeof error?.message === 'string' ? scrubSecret(error.message, secret).slice(0, 500) : 'an error event without a message';
  const code = (type ? TYPE_CODES[type] : undefined) ?? 'upstream_error';
  return new HubError(code, `${ANTHROPIC_LABEL} upstream: ${message}${type ? ` (${type})` : ''}`);
}
