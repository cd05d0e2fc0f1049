/**
 * The HTTP shell (Fastify). Thin: parse, authenticate, call the gateway, encode. Errors are
 * mapped in one handler, in the dialect of the route (Anthropic for /v1/messages, OpenAI
 * otherwise). Every response carries `x-request-id`.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { HubError, toHubError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import type { HubMetrics } from '../telemetry/metrics.js';
import { errorResponse, type ErrorDialect } from './errors/index.js';
import type { ChatRouteDeps } from './v1/chat-route.js';
import { registerV1Routes } from './v1/v1-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the virtual key is authenticated; used for metrics and logs. */
    tenantId: string;
  }
}

export interface HttpDeps extends ChatRouteDeps {
  logger: Logger;
  metrics: HubMetrics;
  /** Max request body in bytes (default 20 MiB, enough for inline images). */
  bodyLimit?: number;
  /** Returns false while starting or shutting down (GET /readyz answers 503). */
  isReady: () => boolean;
  /** Extra route plugins (admin API, console), registered after the data plane. */
  extraRoutes?: ((app: FastifyInstance) => void)[];
}

/**
 * Request ids: `req_` + 24 hex digits — a random 64-bit prefix per process (re-drawn when the
 * counter wraps) + a 32-bit counter. Unique across processes and restarts without drawing
 * random bytes on every request; ids are identifiers, not secrets (traces are tenant-scoped).
 */
let idPrefix = '';
let idCounter = 0x1_0000_0000;

function newRequestId(): string {
  if (idCounter >= 0x1_0000_0000) {
    idPrefix = `req_${randomBytes(8).toString('hex')}`;
    idCounter = 0;
  }
  return idPrefix + (idCounter++).toString(16).padStart(8, '0');
}

function dialectOf(req: FastifyRequest): ErrorDialect {
  return req.url.startsWith('/v1/messages') ? 'anthropic' : 'openai';
}

/** Fastify's own errors (bad JSON, body too large, wrong content type) as HubErrors. */
function fromFastifyError(err: FastifyError): HubError {
  if (err instanceof HubError) return err;
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new HubError('body_too_large', 'The request body is larger than the hub accepts.');
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new HubError('invalid_request', 'Send the body as JSON with "Content-Type: application/json".', { status: 415 });
  }
  if (err.code?.startsWith('FST_ERR_CTP_') || (err.statusCode === 400 && err instanceof SyntaxError)) {
    return new HubError('invalid_request', `The request body is not valid JSON: ${err.message}`);
  }
  return toHubError(err);
}

export function createHttpServer(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimit ?? 20 * 1024 * 1024,
    genReqId: newRequestId,
    requestIdHeader: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.decorateRequest('tenantId', '');

  // Callback-style hooks: an async hook costs a promise per request on every route.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unknown';
    deps.metrics.requests.inc({ route, status: String(reply.statusCode), tenant: request.tenantId || 'none' });
    deps.metrics.requestDuration.observe({ route }, reply.elapsedTime / 1000);
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const err = fromFastifyError(error);
    if (err.code === 'internal_error') {
      deps.logger.error({ requestId: request.id, err: error.message, stack: error.stack }, 'internal error');
    }
    const wire = errorResponse(err, dialectOf(request), { requestId: request.id });
    void reply.code(wire.status).headers(wire.headers).send(wire.body);
  });

  app.setNotFoundHandler((request, reply) => {
    const err = new HubError('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`);
    const wire = errorResponse(err, dialectOf(request), { requestId: request.id });
    void reply.code(wire.status).send(wire.body);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (deps.isReady()) return { status: 'ready' };
    return reply.code(503).send({ status: 'not_ready' });
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  registerV1Routes(app, deps);
  for (const register of deps.extraRoutes ?? []) register(app);
  return app;
}
