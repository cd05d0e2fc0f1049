/**
 * Data plane routes under /v1 (DESIGN.md §4).
 */
import type { FastifyInstance } from 'fastify';
import { formatRouteHeader } from '../../gateway/routing/route-summary.js';
import { listUsableModels } from '../../gateway/routing/resolve-candidates.js';
import { buildRequestContext, principalOf } from '../request-context.js';
import { anthropicDialect } from './anthropic-dialect.js';
import { registerChatRoute, type ChatRouteDeps } from './chat-route.js';
import { modelListEntries } from './model-list.js';
import { encodeOpenAiEmbeddingResponse, encodeOpenAiModelList, parseOpenAiEmbeddingRequest } from './openai/index.js';
import { openAiDialect } from './openai-dialect.js';

export function registerV1Routes(app: FastifyInstance, deps: ChatRouteDeps): void {
  registerChatRoute(app, '/v1/chat/completions', openAiDialect, deps);
  registerChatRoute(app, '/v1/messages', anthropicDialect, deps);

  app.post('/v1/embeddings', async (request, reply) => {
    const principal = principalOf(request, deps);
    request.tenantId = principal.tenantId;
    const parsed = parseOpenAiEmbeddingRequest(request.body);
    const ctx = buildRequestContext(request, reply, principal, parsed.hints, deps);
    const outcome = await deps.gateway.embed(ctx, parsed.request);
    reply.headers(outcome.headers).header('x-zhongshu-route', formatRouteHeader(outcome.route));
    return encodeOpenAiEmbeddingResponse(outcome.response, {
      model: outcome.response.model,
      usage: outcome.response.usage,
      ...(parsed.request.encodingFormat ? { encodingFormat: parsed.request.encodingFormat } : {}),
    });
  });

  app.get('/v1/models', async (request) => {
    const principal = principalOf(request, deps);
    request.tenantId = principal.tenantId;
    const catalog = deps.catalog.current();
    return encodeOpenAiModelList(modelListEntries(catalog, listUsableModels(catalog, principal)));
  });
}
