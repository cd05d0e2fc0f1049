/**
 * The one handler that turns an upstream's non-2xx answer — JSON in any vendor's error shape,
 * HTML from a proxy, an empty or truncated body — into a typed HubError.
 * Vendors with special status semantics pass their own mapping first (see each vendor's folder).
 */
import { z } from 'zod';
import { HubError, type ErrorCode } from '../../core/errors.js';

const errorBodySchema = z.union([
  // OpenAI, GLM, DeepSeek, Moonshot, Qwen compatible mode: {"error":{"message","type","code"}}
  z.object({
    error: z.object({
      message: z.string().optional(),
      type: z.string().nullish(),
      code: z.union([z.string(), z.number()]).nullish(),
    }),
  }),
  // Anthropic: {"type":"error","error":{"type","message"}} is covered above; some proxies send {"message": "..."}
  z.object({ message: z.string(), code: z.union([z.string(), z.number()]).nullish() }),
]);

export interface UpstreamErrorDetail {
  message?: string;
  type?: string;
  code?: string;
}

/** Extracts vendor message / type / code from an error body; undefined for non-JSON bodies. */
export function parseUpstreamErrorBody(text: string): UpstreamErrorDetail | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  return parseUpstreamErrorValue(json);
}

/** Like parseUpstreamErrorBody, for an already-parsed JSON value (e.g. an SSE error chunk). */
export function parseUpstreamErrorValue(json: unknown): UpstreamErrorDetail | undefined {
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return undefined;
  const d = parsed.data;
  if ('error' in d) {
    return {
      message: d.error.message,
      type: d.error.type ?? undefined,
      code: d.error.code == null ? undefined : String(d.error.code),
    };
  }
  return { message: d.message, code: d.code == null ? undefined : String(d.code) };
}

/** Retry-After in ms from `retry-after-ms`, `retry-after` (seconds or HTTP date). */
export function parseRetryAfterMs(headers: Record<string, string | undefined>, now = Date.now()): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const ra = headers['retry-after'];
  if (ra === undefined) return undefined;
  const trimmed = ra.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Vendor error codes/types that mean the same thing whatever the HTTP status. */
function codeForDetail(detail: UpstreamErrorDetail | undefined): ErrorCode | undefined {
  if (!detail) return undefined;
  // OpenAI answers 429 `insufficient_quota` when the account is out of credit: not a rate limit.
  if (detail.code === 'insufficient_quota' || detail.type === 'insufficient_quota') return 'upstream_insufficient_balance';
  return undefined;
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'upstream_auth_failed';
  if (status === 402) return 'upstream_insufficient_balance';
  if (status === 404) return 'upstream_model_not_found';
  if (status === 408 || status === 504) return 'upstream_timeout';
  if (status === 429) return 'upstream_rate_limited';
  if (status === 503 || status === 529) return 'upstream_overloaded';
  if (status >= 500) return 'upstream_error';
  return 'upstream_bad_request';
}

/** Removes a secret (and any bearer token) from upstream text before it can travel further. */
export function scrubSecret(text: string, secret?: string): string {
  let out = text;
  if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.replace(/(Bearer\s+)[A-Za-z0-9._\-]{8,}/g, '$1[redacted]');
}

export interface UpstreamErrorInput {
  status: number;
  headers: Record<string, string | undefined>;
  bodyText: string;
  /** Provider label for the message, e.g. `openai`. */
  provider: string;
  /** The credential used, so it can be scrubbed from echoed messages. */
  secret?: string;
  /** Vendor-specific override: return a code to use instead of the status mapping. */
  classify?: (status: number, detail: UpstreamErrorDetail | undefined) => ErrorCode | undefined;
}

export function upstreamError(input: UpstreamErrorInput): HubError {
  const detail = parseUpstreamErrorBody(input.bodyText);
  const code = input.classify?.(input.status, detail) ?? codeForDetail(detail) ?? codeForStatus(input.status);
  const vendorMessage = detail?.message
    ? scrubSecret(detail.message, input.secret).slice(0, 500)
    : `HTTP ${input.status} with ${input.bodyText.trim() === '' ? 'an empty' : 'a non-JSON'} body`;
  const retryAfterMs = parseRetryAfterMs(input.headers);
  return new HubError(code, `${input.provider} upstream: ${vendorMessage}`, {
    upstreamStatus: input.status,
    ...(code === 'upstream_bad_request' && input.status >= 400 && input.status < 500 && input.status !== 422
      ? { status: input.status }
      : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** Error `type`s some upstreams send inside a 200 stream, mapped without an HTTP status. */
const EVENT_TYPE_CODES: Record<string, ErrorCode> = {
  rate_limit_error: 'upstream_rate_limited',
  rate_limit_exceeded: 'upstream_rate_limited',
  overloaded_error: 'upstream_overloaded',
  server_overloaded: 'upstream_overloaded',
  authentication_error: 'upstream_auth_failed',
  invalid_request_error: 'upstream_bad_request',
};

export interface UpstreamEventErrorInput {
  /** The parsed error payload, e.g. `{"error":{"message","type","code"}}` from an SSE chunk or a 200 body. */
  payload: unknown;
  provider: string;
  secret?: string;
  /** Same vendor classifier as for HTTP errors; called with `status` 200 (the HTTP status really was 200). */
  classify?: (status: number, detail: UpstreamErrorDetail | undefined) => ErrorCode | undefined;
}

/**
 * An error the upstream reported *inside* a successful response (an SSE `error` chunk, or a
 * 200 JSON body that holds only `error`). Defaults to the retryable `upstream_error`.
 */
export function upstreamEventError(input: UpstreamEventErrorInput): HubError {
  const detail = parseUpstreamErrorValue(input.payload);
  const code =
    input.classify?.(200, detail) ??
    codeForDetail(detail) ??
    (detail?.type ? EVENT_TYPE_CODES[detail.type] : undefined) ??
    'upstream_error';
  const message = detail?.message ? scrubSecret(detail.message, input.secret).slice(0, 500) : 'an error event without a message';
  const codeSuffix = detail?.code ? ` (code ${scrubSecret(detail.code, input.secret).slice(0, 40)})` : '';
  return new HubError(code, `${input.provider} upstream: ${message}${codeSuffix}`);
}
