/** OpenAI ingress codecs: pure translation between the OpenAI wire format and canonical types. */
export { parseOpenAiChatRequest, type ParsedChatRequest } from './openai-chat-request.js';
export {
  encodeOpenAiChatResponse,
  serializeOpenAiChatResponse,
  toOpenAiToolCalls,
  toOpenAiUsage,
  type OpenAiChatCompletionJson,
  type OpenAiResponseOptions,
  type OpenAiUsage,
} from './openai-chat-response.js';
export { OpenAiStreamEncoder, type OpenAiStreamEncoderOptions } from './openai-stream-encoder.js';
export {
  encodeOpenAiEmbeddingResponse,
  float32Base64,
  parseOpenAiEmbeddingRequest,
  type OpenAiEmbeddingListJson,
  type OpenAiEmbeddingResponseOptions,
  type ParsedEmbeddingRequest,
} from './openai-embeddings.js';
export {
  encodeOpenAiModel,
  encodeOpenAiModelList,
  microsToDecimal,
  type ModelListEntry,
  type ModelPricesJson,
  type OpenAiModelJson,
} from './openai-models.js';
export { hubExtensionSchema, toRoutingHints, type RoutingHints } from './openai-hub-extension.js';
