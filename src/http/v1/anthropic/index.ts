/** Anthropic ingress codecs: pure translation between the Anthropic Messages wire format and canonical types. */
export { parseAnthropicMessagesRequest, type ParsedAnthropicRequest } from './anthropic-messages-request.js';
export {
  encodeAnthropicMessage,
  toAnthropicStopReason,
  toAnthropicUsage,
  toToolInput,
  type AnthropicContentBlockJson,
  type AnthropicMessageJson,
  type AnthropicMessageOptions,
  type AnthropicStopReason,
  type AnthropicUsageJson,
} from './anthropic-message-response.js';
export { AnthropicStreamEncoder, type AnthropicStreamEncoderOptions } from './anthropic-stream-encoder.js';
export type { RoutingHints } from '../openai/openai-hub-extension.js';
