/**
 * Canonical ChatResponse → OpenAI `chat.completion` JSON. The usage written is the usage the
 * hub bills (the route passes it: provider-reported, or estimated when the upstream gave none).
 *
 * Two forms of the same document: `encodeOpenAiChatResponse` (an object, serialized by the
 * caller) and `serializeOpenAiChatResponse` (the JSON text, byte for byte
 * `JSON.stringify(encodeOpenAiChatResponse(…))`, written without the intermediate objects).
 */
import type { ChatResponse, ToolCall, Usage } from '../../../core/chat.js';

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

/** Canonical usage already follows OpenAI semantics (input includes cached, output includes reasoning). */
export function toOpenAiUsage(u: Usage): OpenAiUsage {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export interface OpenAiToolCallJson {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export function toOpenAiToolCalls(calls: ToolCall[]): OpenAiToolCallJson[] {
  return calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
}

export interface OpenAiResponseOptions {
  /** The billed usage. Required so the response can never disagree with the ledger. */
  usage: Usage;
  /** Overrides `resp.model` (e.g. to answer with the alias the client asked for). */
  model?: string;
  /** Overrides `resp.id`. */
  id?: string;
}

export interface OpenAiChatCompletionJson {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      tool_calls?: OpenAiToolCallJson[];
      reasoning_content?: string;
    };
    logprobs: null;
    finish_reason: string;
  }>;
  usage: OpenAiUsage;
  system_fingerprint: null;
}

export function encodeOpenAiChatResponse(resp: ChatResponse, opts: OpenAiResponseOptions): OpenAiChatCompletionJson {
  const message: OpenAiChatCompletionJson['choices'][number]['message'] = {
    role: 'assistant',
    content: resp.content,
    refusal: null,
  };
  if (resp.toolCalls.length > 0) message.tool_calls = toOpenAiToolCalls(resp.toolCalls);
  if (resp.reasoning) message.reasoning_content = resp.reasoning;
  return {
    id: opts.id ?? resp.id,
    object: 'chat.completion',
    created: resp.created,
    model: opts.model ?? resp.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: resp.finishReason }],
    usage: toOpenAiUsage(opts.usage),
    system_fingerprint: null,
  };
}

/** `JSON.stringify` of a number: non-finite values are `null`. */
function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/**
 * The `chat.completion` JSON text: exactly `JSON.stringify(encodeOpenAiChatResponse(resp, opts))`
 * (same keys, order and escaping), at a fraction of its cost. For a caller that sends text with
 * `content-type: application/json; charset=utf-8` instead of an object for Fastify to serialize.
 */
export function serializeOpenAiChatResponse(resp: ChatResponse, opts: OpenAiResponseOptions): string {
  const u = opts.usage;
  let message = `{"role":"assistant","content":${JSON.stringify(resp.content)},"refusal":null`;
  if (resp.toolCalls.length > 0) message += `,"tool_calls":${JSON.stringify(toOpenAiToolCalls(resp.toolCalls))}`;
  if (resp.reasoning) message += `,"reasoning_content":${JSON.stringify(resp.reasoning)}`;
  return (
    `{"id":${JSON.stringify(opts.id ?? resp.id)},"object":"chat.completion","created":${jsonNumber(resp.created)}` +
    `,"model":${JSON.stringify(opts.model ?? resp.model)}` +
    `,"choices":[{"index":0,"message":${message}},"logprobs":null,"finish_reason":${JSON.stringify(resp.finishReason)}}]` +
    `,"usage":{"prompt_tokens":${jsonNumber(u.inputTokens)},"completion_tokens":${jsonNumber(u.outputTokens)}` +
    `,"total_tokens":${jsonNumber(u.inputTokens + u.outputTokens)}` +
    `,"prompt_tokens_details":{"cached_tokens":${jsonNumber(u.cachedInputTokens)},"audio_tokens":0}` +
    `,"completion_tokens_details":{"reasoning_tokens":${jsonNumber(u.reasoningTokens)},"audio_tokens":0` +
    `,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"system_fingerprint":null}`
  );
}
