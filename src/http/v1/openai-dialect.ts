/** The OpenAI Chat Completions dialect over the codecs in ./openai/. */
import type { ChatDialect } from './chat-dialect.js';
import { OpenAiStreamEncoder, parseOpenAiChatRequest, serializeOpenAiChatResponse } from './openai/index.js';

export const openAiDialect: ChatDialect = {
  name: 'openai',
  parse: (body) => parseOpenAiChatRequest(body),
  encodeResponse: (resp, _meta) => serializeOpenAiChatResponse(resp, { usage: resp.usage }),
  streamEncoder(req, meta) {
    const encoder = new OpenAiStreamEncoder({ includeUsage: req.includeUsage === true });
    return {
      event: (ev) => encoder.push(ev),
      end: () => encoder.end(),
      error: (err) => encoder.error(err, { requestId: meta.requestId }),
    };
  },
};
