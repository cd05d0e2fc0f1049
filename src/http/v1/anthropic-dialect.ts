/** The Anthropic Messages dialect over the codecs in ./anthropic/. */
import type { ChatDialect } from './chat-dialect.js';
import { AnthropicStreamEncoder, encodeAnthropicMessage, parseAnthropicMessagesRequest } from './anthropic/index.js';

export const anthropicDialect: ChatDialect = {
  name: 'anthropic',
  parse: (body) => parseAnthropicMessagesRequest(body),
  encodeResponse: (resp, _meta) => encodeAnthropicMessage(resp, { usage: resp.usage }),
  streamEncoder(_req, meta) {
    const encoder = new AnthropicStreamEncoder();
    return {
      event: (ev) => encoder.push(ev),
      end: () => encoder.end(),
      error: (err) => encoder.error(err, { requestId: meta.requestId }),
    };
  },
};
