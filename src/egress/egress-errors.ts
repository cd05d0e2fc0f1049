/**
 * Maps whatever undici, node:net or the caller's abort threw into a HubError.
 * Messages name the host only: URLs may carry credentials in userinfo or query strings.
 */
import type { CancelSignal } from '../core/cancel.js';
import { HubError, isHubError } from '../core/errors.js';

const TIMEOUT_CODES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connecting',
  UND_ERR_HEADERS_TIMEOUT: 'waiting for the response headers (first byte)',
  UND_ERR_BODY_TIMEOUT: 'waiting for the next body chunk (idle)',
};

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The error to throw when the caller's signal aborted the call: the reason itself when it is a
 * HubError; `upstream_timeout` for a timeout signal (`AbortSignal.timeout`, a per-try limit);
 * otherwise `client_closed_request`.
 */
export function abortError(signal: CancelSignal, host: string): HubError {
  const reason: unknown = signal.reason;
  if (isHubError(reason)) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new HubError('upstream_timeout', `the call to '${host}' hit its time limit`, { cause: reason });
  }
  return new HubError('client_closed_request', `the call to '${host}' was aborted by the caller`, { cause: reason });
}

/**
 * `phase` says where the failure happened, for the message: before the response headers
 * (`request`) or while reading the body (`body`).
 */
export function toEgressError(err: unknown, host: string, signal: CancelSignal | undefined, phase: 'request' | 'body'): HubError {
  if (signal?.aborted) return abortError(signal, host);
  if (isHubError(err)) return err;
  const code = errorCode(err);
  const timeoutWhat = code === undefined ? undefined : TIMEOUT_CODES[code];
  if (timeoutWhat) {
    return new HubError('upstream_timeout', `upstream '${host}' timed out ${timeoutWhat}`, { cause: err });
  }
  if (code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_URL') {
    return new HubError('internal_error', `invalid outbound request to '${host}'`, { cause: err });
  }
  const what = phase === 'body' ? 'while reading the response body' : 'before a response arrived';
  const detail = code ? ` (${code})` : '';
  return new HubError('upstream_connection_failed', `connection to upstream '${host}' failed ${what}${detail}`, { cause: err });
}
