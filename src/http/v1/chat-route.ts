/**
 * The chat route, written once for every ingress dialect: `POST /v1/chat/completions`
 * (OpenAI) and `POST /v1/messages` (Anthropic).
 */
import type { FastifyInstance } from 'fastify';
import { toHubError } from '../../core/errors.js';
import { formatRouteHeader } from '../../gateway/routing/route-summary.js';
import type { Gateway } from '../../gateway/pipeline.js';
import { buildRequestContext, principalOf, type ContextDeps } from '../request-context.js';
import { startSse } from '../sse-response.js';
import type { ChatDialect } from './chat-dialect.js';

const JSON_UTF8 = 'application/json; charset=utf-8';

export interface ChatRouteDeps extends ContextDeps {
  gateway: Gateway;
}

export function registerChatRoute(app: FastifyInstance, path: string, dialect: ChatDialect, deps: ChatRouteDeps): void {
  app.post(path, async (request, reply) => {
    const principal = principalOf(request, deps);
    request.tenantId = principal.tenantId;
    const { request: chatRequest, hints } = dialect.parse(request.body);
    const ctx = buildRequestContext(request, reply, principal, hints, deps);
    const meta = { requestId: request.id, requestedModel: chatRequest.model };

    if (!chatRequest.stream) {
      const outcome = await deps.gateway.chat(ctx, chatRequest);
      reply.headers(outcome.headers).header('x-zhongshu-route', formatRouteHeader(outcome.route)).type(JSON_UTF8);
      return dialect.encodeResponse(outcome.response, meta, chatRequest);
    }

    // Only the OpenAI encoder takes upstream chunks verbatim (`openai-frames` events).
    if (dialect.name === 'openai') ctx.openAiFrames = true;
    const outcome = await deps.gateway.openStream(ctx, chatRequest);
    reply.hijack();
    const res = reply.raw;
    const sse = startSse(res, { ...outcome.headers, 'x-request-id': request.id, 'x-zhongshu-route': formatRouteHeader(outcome.route) });
    const encoder = dialect.streamEncoder(chatRequest, meta);
    let last = '';
    try {
      for await (const ev of outcome.events) {
        const wait = sse.write(encoder.event(ev));
        if (wait) await wait;
        if (res.destroyed) break;
      }
      last = encoder.end();
    } catch (err) {
      last = encoder.error(toHubError(err));
    }
    sse.end(last);
    return reply;
  });
}
