/**
 * Zhipu GLM quirk functions.
 */
import { HubError, type ErrorCode } from '../../core/errors.js';
import type { ChatRequest, FinishReason, JsonObject } from '../../core/chat.js';
import type { UpstreamTarget } from '../../core/provider.js';
import { clampBodyNumber } from '../shared/openai-compatible-quirks.js';
import type { UpstreamErrorDetail } from '../shared/upstream-error.js';

/**
 * GLM accepts temperature only in [0, 1] (OpenAI allows 0–2) and top_p only strictly inside
 * (0, 1); out-of-range values are refused with error 1214 instead of being clamped. Clamping
 * keeps requests written for OpenAI working (temperature 1.5 becomes 1, top_p 1 becomes 0.99).
 */
export function mapZhipuRequestBody(body: JsonObject, _req: ChatRequest, _target: UpstreamTarget): JsonObject {
  return mapZhipuUser(clampBodyNumber(clampBodyNumber(body, 'temperature', 0, 1), 'top_p', 0.01, 0.99));
}

/** GLM names the end-user tag `user_id` and refuses ids outside 6–128 characters: map or drop. */
export function mapZhipuUser(body: JsonObject): JsonObject {
  const { user, ...rest } = body;
  if (typeof user !== 'string') return body;
  return user.length >= 6 && user.length <= 128 ? { ...rest, user_id: user } : rest;
}

/**
 * `sensitive`: the safety filter cut the output. `network_error`: GLM failed internally during
 * generation — the answer is incomplete, so it is a retryable upstream error, not a finish.
 */
export function mapZhipuFinishReason(raw: string): FinishReason | undefined {
  if (raw === 'sensitive') return 'content_filter';
  if (raw === 'model_context_window_exceeded') return 'length';
  if (raw === 'network_error') {
    throw new HubError('upstream_error', 'Zhipu GLM upstream: generation stopped with finish_reason network_error; retry');
  }
  return undefined;
}

/** Business codes (BigModel error code reference) → catalog codes; the status mapping covers the rest. */
const ZHIPU_CODES: Record<string, ErrorCode> = {
  '1000': 'upstream_auth_failed',
  '1001': 'upstream_auth_failed',
  '1002': 'upstream_auth_failed',
  '1003': 'upstream_auth_failed',
  '1004': 'upstream_auth_failed',
  '1110': 'upstream_auth_failed', // account inactive
  '1111': 'upstream_auth_failed', // account does not exist
  '1112': 'upstream_auth_failed', // account locked
  '1113': 'upstream_insufficient_balance', // account in arrears
  '1121': 'upstream_auth_failed',
  '1210': 'upstream_bad_request',
  '1211': 'upstream_model_not_found',
  '1213': 'upstream_bad_request',
  '1214': 'upstream_bad_request',
  '1215': 'upstream_bad_request',
  '1261': 'upstream_bad_request', // prompt too long
  '1234': 'upstream_error', // network error
  '1301': 'content_filtered',
  '1302': 'upstream_rate_limited',
  '1303': 'upstream_rate_limited',
  '1304': 'upstream_rate_limited',
  '1305': 'upstream_rate_limited',
};

export function classifyZhipuError(_status: number, detail: UpstreamErrorDetail | undefined): ErrorCode | undefined {
  return detail?.code === undefined ? undefined : ZHIPU_CODES[detail.code];
}
