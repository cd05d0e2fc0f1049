/**
 * The one error type of the hub and its machine-code catalog.
 *
 * Every failure that can reach a client is a `HubError` with a `code` from `ERROR_CATALOG`.
 * Resilience decides with the fields, never with the message:
 *  - `retryable`: trying the *same* deployment again may succeed (5xx, 429, timeouts, resets).
 *  - `failover`:  trying a *different* deployment may succeed (also true for an upstream's
 *                 bad credential, no balance or unknown model — the next deployment has its own).
 * A client error (bad body, forbidden model) is neither.
 *
 * The single place that turns a HubError into OpenAI JSON, Anthropic JSON or an SSE error
 * event is `src/http/errors/`. docs/errors.md lists the catalog; a test keeps them in sync.
 */

export interface ErrorSpec {
  readonly status: number;
  readonly retryable: boolean;
  readonly failover: boolean;
  /** One line for docs/errors.md. */
  readonly description: string;
}

export const ERROR_CATALOG = {
  invalid_request: { status: 400, retryable: false, failover: false, description: 'The request body or a parameter is malformed; the message names the field.' },
  unsupported_parameter: { status: 400, retryable: false, failover: false, description: 'A parameter is valid for the wire format but not supported by the hub or the chosen upstream.' },
  context_length_exceeded: { status: 400, retryable: false, failover: false, description: 'Prompt plus max tokens exceed the context window of every allowed deployment.' },
  content_filtered: { status: 400, retryable: false, failover: false, description: 'The upstream refused the content (safety filter).' },
  upstream_bad_request: { status: 400, retryable: false, failover: false, description: 'The upstream rejected the request as invalid; its message is passed on.' },
  missing_api_key: { status: 401, retryable: false, failover: false, description: 'No virtual key in Authorization: Bearer or x-api-key.' },
  invalid_api_key: { status: 401, retryable: false, failover: false, description: 'The virtual key is malformed, unknown, revoked or expired.' },
  unauthorized: { status: 401, retryable: false, failover: false, description: 'Admin API: missing, unknown, expired or revoked session or admin token, or a wrong username or password.' },
  budget_exceeded: { status: 402, retryable: false, failover: false, description: 'A hard budget of the tenant, app, key or end user does not allow this request.' },
  unpriced_model: { status: 402, retryable: false, failover: false, description: 'A budget applies but the only deployments left have no price; the hub refuses rather than bill zero.' },
  model_not_allowed: { status: 403, retryable: false, failover: false, description: 'The key or app may not use the requested model (checked against the resolved deployment).' },
  permission_denied: { status: 403, retryable: false, failover: false, description: 'The caller may not perform this action.' },
  model_not_found: { status: 404, retryable: false, failover: false, description: 'No alias or deployment has this name.' },
  not_found: { status: 404, retryable: false, failover: false, description: 'The route or object does not exist.' },
  conflict: { status: 409, retryable: false, failover: false, description: 'Admin API: the object already exists, or is still in use and cannot be deleted.' },
  body_too_large: { status: 413, retryable: false, failover: false, description: 'The request body exceeds the configured limit.' },
  rate_limited: { status: 429, retryable: false, failover: false, description: 'A hub rate limit (RPM/TPM of key, app or tenant) is exhausted; see Retry-After.' },
  client_closed_request: { status: 499, retryable: false, failover: false, description: 'The client went away before the response finished.' },
  internal_error: { status: 500, retryable: false, failover: false, description: 'A bug in the hub; the request id finds it in the logs.' },
  upstream_error: { status: 502, retryable: true, failover: true, description: 'The upstream answered 5xx or an unreadable body.' },
  upstream_auth_failed: { status: 502, retryable: false, failover: true, description: 'The upstream refused the hub credential (401/403); the operator must fix the provider key.' },
  upstream_insufficient_balance: { status: 502, retryable: false, failover: true, description: 'The upstream account has no balance (e.g. DeepSeek 402).' },
  upstream_model_not_found: { status: 502, retryable: false, failover: true, description: 'The upstream does not know the deployment model name.' },
  upstream_connection_failed: { status: 502, retryable: true, failover: true, description: 'The connection to the upstream failed or was reset.' },
  upstream_stream_interrupted: { status: 502, retryable: false, failover: false, description: 'The upstream stream broke after the first byte reached the client.' },
  upstream_rate_limited: { status: 429, retryable: true, failover: true, description: 'The upstream answered 429; the hub retries elsewhere and reports this only when nothing else is left.' },
  upstream_overloaded: { status: 503, retryable: true, failover: true, description: 'The upstream is overloaded (503/529).' },
  no_deployment_available: { status: 503, retryable: false, failover: false, description: 'Every deployment that could serve the request is unhealthy, throttled or at capacity.' },
  egress_denied: { status: 502, retryable: false, failover: true, description: 'The address policy refused the upstream address (metadata or private range not allowed).' },
  upstream_timeout: { status: 504, retryable: true, failover: true, description: 'The upstream did not answer (first byte or idle) in time.' },
  deadline_exceeded: { status: 504, retryable: false, failover: false, description: 'The request deadline passed before any deployment answered.' },
  shutting_down: { status: 503, retryable: false, failover: false, description: 'The hub is shutting down and takes no new requests.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface HubErrorOptions {
  /** Overrides the catalog status (e.g. pass through the upstream's 4xx). */
  status?: number;
  retryAfterMs?: number;
  /** Name of the offending request field, for `invalid_request`. */
  param?: string;
  /** HTTP status the upstream answered, if any. */
  upstreamStatus?: number;
  cause?: unknown;
}

export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly failover: boolean;
  readonly retryAfterMs: number | undefined;
  readonly param: string | undefined;
  readonly upstreamStatus: number | undefined;

  constructor(code: ErrorCode, message: string, options: HubErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec: ErrorSpec = ERROR_CATALOG[code];
    this.name = 'HubError';
    this.code = code;
    this.status = options.status ?? spec.status;
    this.retryable = spec.retryable;
    this.failover = spec.failover;
    this.retryAfterMs = options.retryAfterMs;
    this.param = options.param;
    this.upstreamStatus = options.upstreamStatus;
  }
}

export function isHubError(value: unknown): value is HubError {
  return value instanceof HubError;
}

/** Wraps anything thrown into a HubError; unknown errors become `internal_error`. */
export function toHubError(value: unknown): HubError {
  if (value instanceof HubError) return value;
  return new HubError('internal_error', 'internal error', { cause: value });
}
