/** Native Anthropic Messages provider. */
export { createAnthropicAdapter, ANTHROPIC_DEFAULT_BASE_URL } from './anthropic-adapter.js';
export { buildAnthropicRequest, anthropicUrl, anthropicHeaders, DEFAULT_MAX_TOKENS, ANTHROPIC_VERSION } from './anthropic-request.js';
export { parseAnthropicResponse, mapAnthropicUsage } from './anthropic-response.js';
export { readAnthropicStream } from './anthropic-stream.js';
export { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
export { classifyAnthropicError, anthropicEventError } from './anthropic-errors.js';
