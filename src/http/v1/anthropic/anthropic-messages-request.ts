/**
 * Anthropic Messages body → canonical ChatRequest + routing hints. Pure: no I/O.
 *
 * - `system` (string or text blocks; `cache_control` ignored) becomes the first system message.
 * - A user message's `tool_result` blocks become `tool` messages (in order, before the rest of
 *   that user message); `tool_use` blocks become assistant `toolCalls` with
 *   `arguments = JSON.stringify(input)`.
 * - `thinking` / `redacted_thinking` blocks are dropped (their signatures only mean something
 *   to Anthropic); `document` and other unmodelled blocks pass as opaque `anthropic` parts.
 * - Images become `data:` URLs (base64 source) or plain URLs.
 * - `tool_choice` any → required, tool → {name}; `disable_parallel_tool_use` → parallelToolCalls false.
 * - `thinking: {type: enabled, budget_tokens}` → reasoningEffort (< 4096 low, < 16384 medium,
 *   else high); `adaptive` → medium.
 * - `metadata.user_id` → `user` and the end-user hint (unless `zhongshu.end_user` is set).
 * - Server tools (a `tools[i].type` other than `custom`) are refused with `unsupported_parameter`.
 * - Unknown top-level fields are ignored.
 */
import type { AssistantMessage, ChatMessage, ChatRequest, ContentPart, TextPart, ToolCall, ToolDefinition } from '../../../core/chat.js';
import { HubError } from '../../../core/errors.js';
import { invalidRequestFromZod } from '../../errors/http-validation-error.js';
import { requireJsonObject } from '../openai/openai-chat-request.js';
import { toRoutingHints, type RoutingHints } from '../openai/openai-hub-extension.js';
import {
  anthropicMessagesBodySchema,
  type AnthropicBlock,
  type AnthropicMessage,
  type AnthropicMessagesBody,
} from './anthropic-messages-schema.js';

export interface ParsedAnthropicRequest {
  request: ChatRequest;
  hints: RoutingHints;
  /** The client enabled extended thinking: the encoders then emit reasoning as `thinking` blocks. */
  thinking: boolean;
}

/** Parses and validates a `POST /v1/messages` body. Throws HubError (`invalid_request`, `unsupported_parameter`). */
export function parseAnthropicMessagesRequest(body: unknown): ParsedAnthropicRequest {
  const parsed = anthropicMessagesBodySchema.safeParse(requireJsonObject(body));
  if (!parsed.success) throw invalidRequestFromZod(parsed.error);
  const b = parsed.data;
  const messages: ChatMessage[] = [];
  if (b.system != null) {
    const content = typeof b.system === 'string' ? b.system : b.system.map((s): TextPart => ({ type: 'text', text: s.text }));
    if (content.length > 0) messages.push({ role: 'system', content });
  }
  for (const m of b.messages) messages.push(...toCanonicalMessages(m));
  const request: ChatRequest = { model: b.model, messages, stream: b.stream === true, maxTokens: b.max_tokens };
  if (request.stream) request.includeUsage = true; // Anthropic streams always report usage.
  if (b.temperature != null) request.temperature = b.temperature;
  if (b.top_p != null) request.topP = b.top_p;
  if (b.top_k != null) request.topK = b.top_k;
  if (b.stop_sequences != null && b.stop_sequences.length > 0) request.stop = b.stop_sequences;
  copyTools(b, request);
  const user = b.metadata?.user_id ?? undefined;
  if (user) request.user = user;
  const thinking = b.thinking != null && b.thinking.type !== 'disabled';
  if (b.thinking?.type === 'enabled') request.reasoningEffort = effortForBudget(b.thinking.budget_tokens);
  else if (b.thinking?.type === 'adaptive') request.reasoningEffort = 'medium';
  return { request, hints: toRoutingHints(b.zhongshu, user), thinking };
}

function effortForBudget(budget: number): 'low' | 'medium' | 'high' {
  if (budget < 4096) return 'low';
  if (budget < 16384) return 'medium';
  return 'high';
}

function copyTools(b: AnthropicMessagesBody, r: ChatRequest): void {
  const tools: ToolDefinition[] = (b.tools ?? []).map((t, i) => {
    if (t.type != null && t.type !== 'custom') {
      throw new HubError('unsupported_parameter', `Server tool '${t.type}' at 'tools[${i}]' is not supported by the hub; declare client tools with an input_schema.`, { param: `tools[${i}].type` });
    }
    if (t.input_schema == null) {
      throw new HubError('invalid_request', `Invalid value at 'tools[${i}].input_schema': required, expected object.`, { param: `tools[${i}].input_schema` });
    }
    const def: ToolDefinition = { name: t.name, parameters: t.input_schema };
    if (t.description != null) def.description = t.description;
    return def;
  });
  const choice = b.tool_choice ?? undefined;
  if (tools.length === 0) {
    if (choice !== undefined && (choice.type === 'any' || choice.type === 'tool')) {
      throw new HubError('invalid_request', "'tool_choice' requires 'tools': declare the tool(s) the model may call.", { param: 'tool_choice' });
    }
    return;
  }
  r.tools = tools;
  if (choice === undefined) return;
  if (choice.type === 'auto') r.toolChoice = 'auto';
  else if (choice.type === 'any') r.toolChoice = 'required';
  else if (choice.type === 'none') r.toolChoice = 'none';
  else {
    if (!tools.some((t) => t.name === choice.name)) {
      throw new HubError('invalid_request', `'tool_choice' names the tool '${choice.name}', which is not in 'tools'.`, { param: 'tool_choice.name' });
    }
    r.toolChoice = { name: choice.name };
  }
  if (choice.type !== 'none' && choice.disable_parallel_tool_use === true) r.parallelToolCalls = false;
}

function toCanonicalMessages(m: AnthropicMessage): ChatMessage[] {
  if (typeof m.content === 'string') {
    return [m.role === 'user' ? { role: 'user', content: m.content } : { role: 'assistant', content: m.content }];
  }
  return m.role === 'user' ? userMessages(m.content) : [assistantMessage(m.content)];
}

/** Tool results become tool messages; the other blocks between them become user messages, in order. */
function userMessages(blocks: AnthropicBlock[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  let pending: ContentPart[] = [];
  const flush = () => {
    if (pending.length > 0) out.push({ role: 'user', content: pending });
    pending = [];
  };
  for (const block of blocks) {
    if (block.kind === 'tool_result') {
      flush();
      const msg: ChatMessage = { role: 'tool', toolCallId: block.toolUseId, content: block.content };
      if (block.isError) msg.isError = true;
      out.push(msg);
    } else if (block.kind === 'part') {
      pending.push(block.part);
    }
    // tool_use in a user message is invalid for Anthropic; thinking is dropped: both ignored.
  }
  flush();
  if (out.length === 0) out.push({ role: 'user', content: [] });
  return out;
}

function assistantMessage(blocks: AnthropicBlock[]): AssistantMessage {
  const parts: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of blocks) {
    if (block.kind === 'part') parts.push(block.part);
    else if (block.kind === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
  }
  const allText = parts.every((p) => p.type === 'text');
  const content: AssistantMessage['content'] =
    parts.length === 0 ? (toolCalls.length > 0 ? null : '') : allText ? parts.map((p) => (p as TextPart).text).join('') : parts;
  const msg: AssistantMessage = { role: 'assistant', content };
  if (toolCalls.length > 0) msg.toolCalls = toolCalls;
  return msg;
}
