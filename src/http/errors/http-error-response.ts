/**
 * The one place that turns a HubError into what a client sees: OpenAI error JSON, Anthropic
 * error JSON, or an SSE error frame once a stream has begun (DESIGN.md §2 rule 6).
 * docs/errors.md documents the mapping; keep both in step.
 */
import type { ErrorCode, HubError } from '../../core/errors.js';

export type ErrorDialect = 'openai' | 'anthropic';

export interface ErrorWireOptions {
  /** Appended to the message of `internal_error`, so a user can quote it to the operator. */
  requestId?: string;
}

/** A complete HTTP error answer, ready for the route to send. */
export interface ErrorResponse {
  status: number;
  /** Only `retry-after` (whole seconds, rounded up) for now; the route adds content-type and x-request-id. */
  headers: Record<string, string>;
  body: OpenAiErrorBody | AnthropicErrorBody;
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: ErrorCode };
}

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id?: string;
}

/** The text a client sees. Internal errors never leak their cause. */
export function publicErrorMessage(err: HubError, opts: ErrorWireOptions = {}): string {
  if (err.code !== 'internal_error') return err.message;
  const ref = opts.requestId ? ` (request id ${opts.requestId})` : '';
  return `The hub hit an internal error${ref}; the operator can find it in the logs.`;
}

/**
 * OpenAI `error.type`: 401 authentication_error, 403 permission_error, 404 not_found_error,
 * 429 rate_limit_error, 402 insufficient_quota (budget) / invalid_request_error (unpriced),
 * other 4xx invalid_request_error, 5xx api_error.
 */
export function openAiErrorType(err: HubError): string {
  const s = err.status;
  if (s === 401) return 'authentication_error';
  if (s === 403) return 'permission_error';
  if (s === 404) return 'not_found_error';
  if (s === 429) return 'rate_limit_error';
  if (s === 402) return err.code === 'budget_exceeded' ? 'insufficient_quota' : 'invalid_request_error';
  if (s >= 500) return 'api_error';
  return 'invalid_request_error';
}

const ANTHROPIC_TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** Anthropic `error.type` by status; other 4xx invalid_request_error, other 5xx api_error. */
export function anthropicErrorType(err: HubError): string {
  const known = ANTHROPIC_TYPE_BY_STATUS[err.status];
  if (known !== undefined) return known;
  return err.status >= 500 ? 'api_error' : 'invalid_request_error';
}

export function openAiErrorBody(err: HubError, opts: ErrorWireOptions = {}): OpenAiErrorBody {
  return {
    error: {
      message: publicErrorMessage(err, opts),
      type: openAiErrorType(err),
      param: err.param ?? null,
      code: err.code,
    },
  };
}

export function anthropicErrorBody(err: HubError, opts: ErrorWireOptions = {}): AnthropicErrorBody {
  const body: AnthropicErrorBody = {
    type: 'error',
    error: { type: anthropicErrorType(err), message: publicErrorMessage(err, opts) },
  };
  if (opts.requestId) body.request_id = opts.requestId;
  return body;
}

/** `retry-after` in whole seconds (rounded up) when the error carries retryAfterMs. */
export function errorHeaders(err: HubError): Record<string, string> {
  if (err.retryAfterMs === undefined || !Number.isFinite(err.retryAfterMs)) return {};
  return { 'retry-after': String(Math.max(0, Math.ceil(err.retryAfterMs / 1000))) };
}

export function errorResponse(err: HubError, dialect: ErrorDialect, opts: ErrorWireOptions = {}): ErrorResponse {
  return {
    status: err.status,
    headers: errorHeaders(err),
    body: dialect === 'openai' ? openAiErrorBody(err, opts) : anthropicErrorBody(err, opts),
  };
}

/**
 * The SSE frame that ends a stream that has already begun.
 * OpenAI: `data: {"error":{…}}\n\n` and nothing after it (no `data: [DONE]`: the official SDK
 * throws on the error object either way, and a missing [DONE] tells other parsers the stream
 * did not finish normally). Anthropic: `event: error\ndata: {"type":"error",…}\n\n`, no
 * `message_stop` after it.
 */
export function errorSseFrame(err: HubError, dialect: ErrorDialect, opts: ErrorWireOptions = {}): string {
  if (dialect === 'openai') return `data: ${JSON.stringify(openAiErrorBody(err, opts))}\n\n`;
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(err, opts))}\n\n`;
}
