/**
 * Canonical ChatResponse → Anthropic Messages JSON.
 *
 * - Blocks in order: `thinking` (only when the client enabled thinking and there is reasoning;
 *   its `signature` is empty because the hub cannot sign), `text` (when non-empty), `tool_use`.
 * - A tool call whose arguments are not a JSON object (malformed model output) gets `input: {}`:
 *   Anthropic clients require an object, and an empty one makes the tool's own validation
 *   report the problem to the model.
 * - stop_reason: stop → end_turn, length → max_tokens, tool_calls → tool_use,
 *   content_filter → refusal. (A stop-sequence hit cannot be told apart: end_turn.)
 * - usage: input_tokens excludes cache reads and writes (Anthropic semantics).
 */
import type { ChatResponse, FinishReason, JsonObject, Usage } from '../../../core/chat.js';

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal';

export function toAnthropicStopReason(reason: FinishReason): AnthropicStopReason {
  switch (reason) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
  }
}

export interface AnthropicUsageJson {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

export function toAnthropicUsage(u: Usage): AnthropicUsageJson {
  return {
    input_tokens: Math.max(0, u.inputTokens - u.cachedInputTokens - u.cacheWriteTokens),
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cachedInputTokens,
    output_tokens: u.outputTokens,
  };
}

/** Tool arguments JSON text → the `input` object; anything but a JSON object → `{}`. */
export function toToolInput(args: string): JsonObject {
  try {
    const value: unknown = JSON.parse(args);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
  } catch {
    // malformed model output: see the file comment
  }
  return {};
}

export type AnthropicContentBlockJson =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: JsonObject };

export interface AnthropicMessageJson {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlockJson[];
  stop_reason: AnthropicStopReason;
  stop_sequence: null;
  usage: AnthropicUsageJson;
}

export interface AnthropicMessageOptions {
  /** The billed usage. Required so the response can never disagree with the ledger. */
  usage: Usage;
  /** Overrides `resp.model`. */
  model?: string;
  /** Overrides `resp.id`. */
  id?: string;
  /** Emit reasoning as a `thinking` block (only when the client enabled thinking). */
  includeThinking?: boolean;
}

export function encodeAnthropicMessage(resp: ChatResponse, opts: AnthropicMessageOptions): AnthropicMessageJson {
  const content: AnthropicContentBlockJson[] = [];
  if (opts.includeThinking && resp.reasoning) content.push({ type: 'thinking', thinking: resp.reasoning, signature: '' });
  if (resp.content) content.push({ type: 'text', text: resp.content });
  for (const call of resp.toolCalls) {
    content.push({ type: 'tool_use', id: call.id, name: call.name, input: toToolInput(call.arguments) });
  }
  return {
    id: opts.id ?? resp.id,
    type: 'message',
    role: 'assistant',
    model: opts.model ?? resp.model,
    content,
    stop_reason: toAnthropicStopReason(resp.finishReason),
    stop_sequence: null,
    usage: toAnthropicUsage(opts.usage),
  };
}
