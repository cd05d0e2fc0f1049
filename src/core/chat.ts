/**
 * Canonical chat, embedding and usage types: the one shape every ingress (OpenAI, Anthropic)
 * translates into and every provider adapter translates out of.
 *
 * It follows OpenAI Chat Completions semantics where they differ (token counts, finish
 * reasons), with camelCase names. One choice per response (`n` > 1 is refused with
 * `unsupported_parameter`; see docs).
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface TextPart {
  type: 'text';
  text: string;
}

/** An image by URL; inline images are `data:<media type>;base64,<data>` URLs. */
export interface ImagePart {
  type: 'image';
  url: string;
  detail?: 'auto' | 'low' | 'high';
}

/**
 * A content part the hub does not model (input_audio, file, document…). Passed through
 * verbatim to upstreams of the same wire format (`format`), refused by others.
 */
export interface OpaquePart {
  type: 'opaque';
  format: 'openai' | 'anthropic';
  value: JsonObject;
}

export type ContentPart = TextPart | ImagePart | OpaquePart;

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, exactly as the model produced it (OpenAI semantics). */
  arguments: string;
}

export interface SystemMessage {
  role: 'system';
  content: string | TextPart[];
}

export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | ContentPart[] | null;
  toolCalls?: ToolCall[];
  /** Reasoning text a model returned earlier. Adapters strip it where upstreams reject it. */
  reasoning?: string;
}

export interface ToolMessage {
  role: 'tool';
  toolCallId: string;
  content: string | ContentPart[];
  isError?: boolean;
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: JsonObject;
  strict?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonObject; strict?: boolean; description?: string };

export interface ChatRequest {
  /** The model the client named (alias, deployment id or `auto`). Adapters use `target.model`. */
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  /** The client asked for a usage chunk (OpenAI `stream_options.include_usage`). */
  includeUsage?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  /** Anthropic/Qwen/vLLM `top_k`; dropped for upstreams without it. */
  topK?: number;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  reasoningEffort?: 'minimal' | 'low' | 'medium' | 'high';
  /** End-user tag for the upstream (`user` / `metadata.user_id`). */
  user?: string;
  /**
   * OpenAI-format fields the hub does not model (logprobs, logit_bias, service_tier,
   * vendor extras such as `enable_thinking`). Forwarded only to OpenAI-compatible upstreams.
   */
  passthrough?: JsonObject;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * Token usage of one upstream attempt, OpenAI semantics: `inputTokens` includes cached and
 * cache-write tokens, `outputTokens` includes reasoning tokens.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (billed at the cached price). */
  cachedInputTokens: number;
  /** Input tokens written to the prompt cache (Anthropic cache_creation_input_tokens). */
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** `provider`: the upstream reported it. `estimated`: the hub counted with a tokenizer. */
  source: 'provider' | 'estimated';
}

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  source: 'provider',
});

export interface ChatResponse {
  id: string;
  /** The model name the upstream reported. */
  model: string;
  /** Unix seconds. */
  created: number;
  content: string | null;
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** Absent when the upstream reported none; accounting then estimates. */
  usage?: Usage;
}

/**
 * Consecutive plain middle chunks of an OpenAI-format upstream stream, kept as the upstream
 * wrote them so an OpenAI-dialect client gets them verbatim (no parse, no re-encode).
 *
 * Contract:
 * - Only produced when the UpstreamCall asked for it (`UpstreamCall.openAiFrames`) and the
 *   provider spec allows it; never the first chunk of a stream (that one yields `message-start`).
 * - Only for "plain" chunks: one text content delta, no finish reason, no usage, no tool calls,
 *   no reasoning, no refusal text, no error (classifier: `isPlainMiddleChunk` in
 *   providers/shared/openai-frames.ts). Such a chunk is, for every other purpose,
 *   a `text-delta` of its content.
 * - `data`: the SSE data payloads (one JSON text each, no line breaks), in stream order.
 * - `text()`: the concatenated content text of `data`, parsed lazily (for usage estimates).
 * Only an OpenAI-dialect encoder may receive it; other encoders treat it as an internal error.
 */
export interface OpenAiFramesEvent {
  type: 'openai-frames';
  data: string[];
  text(): string;
}

/**
 * Stream events, in this order: one `message-start`; any number of deltas; one `finish`;
 * at most one `usage` (absent when the upstream sent none). The stream ends normally only
 * when the upstream finished properly; an interrupted upstream makes the iterator throw a
 * HubError. Tool-call deltas are keyed by `index` (the call's position in the message).
 * `openai-frames` counts as text deltas (see OpenAiFramesEvent).
 */
export type ChatStreamEvent =
  | { type: 'message-start'; id: string; model: string; created: number }
  | { type: 'text-delta'; text: string }
  | OpenAiFramesEvent
  | { type: 'reasoning-delta'; text: string }
  | { type: 'tool-call-start'; index: number; id: string; name: string }
  | { type: 'tool-call-delta'; index: number; argumentsDelta: string }
  | { type: 'finish'; finishReason: FinishReason }
  | { type: 'usage'; usage: Usage };

export interface EmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
  encodingFormat?: 'float' | 'base64';
  user?: string;
}

export interface EmbeddingResponse {
  model: string;
  /** One vector per input, same order. */
  data: number[][];
  usage?: Usage;
}
