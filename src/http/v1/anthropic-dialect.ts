/** The Anthropic Messages dialect over the codecs in ./anthropic/. */
import type { ChatRequest } from '../../core/chat.js';
import type { ChatDialect } from './chat-dialect.js';
import { AnthropicStreamEncoder, encodeAnthropicMessage, parseAnthropicMessagesRequest } from './anthropic/index.js';

/** The Anthropic parser sets `reasoningEffort` exactly when the client enabled thinking. */
function thinkingEnabled(req: ChatRequest): boolean {
  return req.reasoningEffort !== undefined;
}

export const anthropicDialect: ChatDialect = {
  name: 'anthropic',
  parse: (body) => parseAnthropicMessagesRequest(body),
  encodeResponse: (resp, _meta, req) => JSON.stringify(encodeAnthropicMessage(resp, { usage: resp.usage, includeThinking: thinkingEnabled(req) })),
  streamEncoder(req, meta) {
    const encoder = new AnthropicStreamEncoder({ includeThinking: thinkingEnabled(req) });
    return {
      event: (ev) => encoder.push(ev),
      end: () => encoder.end(),
      error: (err) => encoder.error(err, { requestId: meta.requestId }),
    };
  },
};
