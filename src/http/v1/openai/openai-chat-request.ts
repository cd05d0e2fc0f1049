/**
 * OpenAI Chat Completions body → canonical ChatRequest + routing hints. Pure: no I/O.
 *
 * Decisions (docs/errors.md has the error side):
 * - `developer` messages become `system` messages.
 * - `n` > 1 is refused with `unsupported_parameter` (the hub serves one choice).
 * - `max_completion_tokens` wins over the legacy `max_tokens` when both are present.
 * - `reasoning_effort` values outside minimal|low|medium|high (e.g. `none`, `xhigh`) are kept
 *   verbatim in `passthrough` for OpenAI-compatible upstreams.
 * - Fields the hub does not model (logprobs, logit_bias, metadata, store, service_tier, vendor
 *   extras) travel in `passthrough`; explicit nulls are dropped.
 * - Assistant `refusal` parts become text parts; `reasoning_content` becomes `reasoning`.
 */
import type {
  AssistantMessage,
  ChatMessage,
  ChatRequest,
  ContentPart,
  JsonObject,
  JsonValue,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolDefinition,
} from '../../../core/chat.js';
import { HubError } from '../../../core/errors.js';
import { invalidRequestFromZod } from '../../errors/http-validation-error.js';
import { toRoutingHints, type RoutingHints } from './openai-hub-extension.js';
import { fastDecodeOpenAiChatBody } from './openai-chat-fast-decode.js';
import {
  OPENAI_MAPPED_FIELDS,
  openAiChatBodySchema,
  type OpenAiChatBody,
  type OpenAiChatFields,
  type OpenAiMessage,
} from './openai-chat-schema.js';

export interface ParsedChatRequest {
  request: ChatRequest;
  hints: RoutingHints;
}

const REASONING_EFFORTS = new Set(['minimal', 'low', 'medium', 'high']);

export function requireJsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HubError('invalid_request', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/**
 * Parses and validates a `POST /v1/chat/completions` body. Throws HubError (`invalid_request`,
 * `unsupported_parameter`). The hand-written fast path decodes valid bodies; anything it does not
 * accept goes through the zod schema, which decides and words the error.
 */
export function parseOpenAiChatRequest(body: unknown): ParsedChatRequest {
  const raw = requireJsonObject(body);
  const fast = fastDecodeOpenAiChatBody(raw);
  if (fast !== undefined) return translate(fast.fields, fast.messages, raw);
  return translateBySchema(raw);
}

/** The schema path alone (what the fast path must agree with). Exported for the equivalence test. */
export function parseOpenAiChatRequestBySchema(body: unknown): ParsedChatRequest {
  return translateBySchema(requireJsonObject(body));
}

function translateBySchema(raw: Record<string, unknown>): ParsedChatRequest {
  const parsed = openAiChatBodySchema.safeParse(raw);
  if (!parsed.success) throw invalidRequestFromZod(parsed.error);
  return translate(parsed.data, parsed.data.messages.map(toCanonicalMessage), raw);
}

/** Validated fields + canonical messages → ChatRequest and hints; shared by both paths. */
function translate(b: OpenAiChatFields, messages: ChatMessage[], raw: Record<string, unknown>): ParsedChatRequest {
  if (b.n != null && b.n > 1) {
    throw new HubError('unsupported_parameter', `'n' = ${b.n} is not supported: the hub returns one choice per request; send ${b.n} requests instead.`, { param: 'n' });
  }
  const request: ChatRequest = { model: b.model, messages, stream: b.stream === true };
  if (request.stream && b.stream_options?.include_usage === true) request.includeUsage = true;
  const maxTokens = b.max_completion_tokens ?? b.max_tokens;
  if (maxTokens != null) request.maxTokens = maxTokens;
  copySampling(b, request);
  copyTools(b, request);
  const responseFormat = toResponseFormat(b.response_format);
  if (responseFormat) request.responseFormat = responseFormat;
  if (b.user) request.user = b.user;
  let passthrough = collectPassthrough(raw);
  if (b.reasoning_effort) {
    if (REASONING_EFFORTS.has(b.reasoning_effort)) request.reasoningEffort = b.reasoning_effort as ChatRequest['reasoningEffort'];
    else (passthrough ?? (passthrough = {})).reasoning_effort = b.reasoning_effort;
  }
  if (passthrough !== undefined) request.passthrough = passthrough;
  return { request, hints: toRoutingHints(b.zhongshu, b.user ?? undefined) };
}

function copySampling(b: OpenAiChatFields, r: ChatRequest): void {
  if (b.temperature != null) r.temperature = b.temperature;
  if (b.top_p != null) r.topP = b.top_p;
  if (b.top_k != null) r.topK = b.top_k;
  if (b.stop != null) {
    const stop = typeof b.stop === 'string' ? [b.stop] : b.stop;
    if (stop.length > 0) r.stop = stop;
  }
  if (b.seed != null) r.seed = b.seed;
  if (b.presence_penalty != null) r.presencePenalty = b.presence_penalty;
  if (b.frequency_penalty != null) r.frequencyPenalty = b.frequency_penalty;
}

function copyTools(b: OpenAiChatFields, r: ChatRequest): void {
  const choice = b.tool_choice ?? undefined;
  if (b.tools == null || b.tools.length === 0) {
    // Without tools only 'none'/'auto' make sense; they are dropped (upstreams reject them alone).
    if (choice === 'required' || typeof choice === 'object') {
      throw new HubError('invalid_request', "'tool_choice' requires 'tools': declare the tool(s) the model may call.", { param: 'tool_choice' });
    }
    return;
  }
  const tools: ToolDefinition[] = b.tools.map((t) => {
    const def: ToolDefinition = { name: t.function.name };
    if (t.function.description != null) def.description = t.function.description;
    if (t.function.parameters != null) def.parameters = t.function.parameters;
    if (t.function.strict != null) def.strict = t.function.strict;
    return def;
  });
  r.tools = tools;
  if (choice !== undefined) r.toolChoice = toToolChoice(choice, tools);
  if (b.parallel_tool_calls != null) r.parallelToolCalls = b.parallel_tool_calls;
}

function toToolChoice(choice: NonNullable<OpenAiChatBody['tool_choice']>, tools: ToolDefinition[]): ToolChoice {
  if (typeof choice === 'string') return choice;
  const name = choice.function.name;
  if (!tools.some((t) => t.name === name)) {
    throw new HubError('invalid_request', `'tool_choice' names the function '${name}', which is not in 'tools'.`, { param: 'tool_choice.function.name' });
  }
  return { name };
}

function toResponseFormat(rf: OpenAiChatBody['response_format']): ResponseFormat | undefined {
  if (rf == null) return undefined;
  if (rf.type === 'text') return { type: 'text' };
  if (rf.type === 'json_object') return { type: 'json_object' };
  const js = rf.json_schema;
  const out: ResponseFormat = { type: 'json_schema', name: js.name, schema: js.schema ?? {} };
  if (js.strict != null) out.strict = js.strict;
  if (js.description != null) out.description = js.description;
  return out;
}

/** The body's unmapped, non-null fields; `undefined` when there are none (the common case). */
function collectPassthrough(raw: Record<string, unknown>): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (OPENAI_MAPPED_FIELDS.has(key) || value === null || value === undefined) continue;
    (out ?? (out = {}))[key] = value as JsonValue;
  }
  return out;
}

function textOrParts(content: string | ContentPart[]): string | TextPart[] {
  if (typeof content === 'string') return content;
  return content.filter((p): p is TextPart => p.type === 'text');
}

function toCanonicalMessage(m: OpenAiMessage): ChatMessage {
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOrParts(m.content) };
    case 'user': {
      const msg: ChatMessage = { role: 'user', content: m.content };
      if (m.name) msg.name = m.name;
      return msg;
    }
    case 'tool':
      return { role: 'tool', toolCallId: m.tool_call_id, content: m.content };
    case 'assistant': {
      const msg: AssistantMessage = { role: 'assistant', content: m.content ?? null };
      if (m.tool_calls && m.tool_calls.length > 0) {
        msg.toolCalls = m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
      }
      if (m.reasoning_content) msg.reasoning = m.reasoning_content;
      return msg;
    }
  }
}
