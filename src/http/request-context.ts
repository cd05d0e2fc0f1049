/**
 * Per-request plumbing for data-plane routes: authentication, routing hints and a client-abort
 * signal — turned into the gateway's RequestContext.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Cancellation, type CancelSignal } from '../core/cancel.js';
import { HubError } from '../core/errors.js';
import type { CatalogSource } from '../core/catalog.js';
import type { Principal } from '../core/domain.js';
import type { Clock } from '../core/ports.js';
import type { RoutingHints } from '../core/routing-hints.js';
import type { RequestContext } from '../gateway/pipeline.js';
import { authenticate, extractVirtualKey, type VirtualKeyCodec } from '../gateway/tenancy/authenticate.js';
import { hintsFromHeaders, mergeHints } from './routing-headers.js';

export interface ContextDeps {
  catalog: CatalogSource;
  keyCodec: VirtualKeyCodec;
  clock: Clock;
}

export function principalOf(req: FastifyRequest, deps: ContextDeps): Principal {
  return authenticate(deps.catalog.current(), extractVirtualKey(req.headers), deps.keyCodec, deps.clock.now());
}

/** Aborts when the client disconnects before the response finished. */
export function clientAbortSignal(reply: FastifyReply): CancelSignal {
  const cancellation = new Cancellation();
  const res = reply.raw;
  res.once('close', () => {
    if (!res.writableFinished) cancellation.abort(new HubError('client_closed_request', 'The client closed the request.'));
  });
  return cancellation;
}

export function buildRequestContext(
  req: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  bodyHints: RoutingHints,
  deps: ContextDeps,
): RequestContext {
  const hints = mergeHints(bodyHints, hintsFromHeaders(req.headers));
  const withUser: Principal = hints.endUser !== undefined ? { ...principal, endUser: hints.endUser } : principal;
  const cacheControl = req.headers['cache-control'];
  return {
    requestId: req.id,
    principal: withUser,
    hints,
    signal: clientAbortSignal(reply),
    receivedAt: deps.clock.now(),
    ...(typeof cacheControl === 'string' ? { cacheControl } : {}),
  };
}
