/**
 * Canonical ChatRequest → OpenAI Chat Completions request body.
 */
import { HubError } from '../../core/errors.js';
import type {
  AssistantMessage,
  ChatMessage,
  ChatRequest,
  ContentPart,
  JsonObject,
  JsonValue,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../../core/chat.js';
import type { UpstreamTarget } from '../../core/provider.js';
import type { OpenAiCompatibleSpec } from './openai-compatible-spec.js';

/** Body fields that passthrough may never set: the hub owns them (`n`: one choice per response). */
const RESERVED_FIELDS = new Set(['model', 'stream', 'messages', 'stream_options', 'n']);

function mapPart(part: ContentPart, label: string): JsonObject {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image') {
    const image: JsonObject = { url: part.url };
    if (part.detail) image.detail = part.detail;
    return { type: 'image_url', image_url: image };
  }
  if (part.format === 'openai') return part.value;
  const kind = typeof part.value.type === 'string' ? part.value.type : 'unknown';
  throw new HubError('unsupported_parameter', `content part '${kind}' is Anthropic-only and cannot be sent to the ${label} upstream`);
}

function mapContent(content: string | ContentPart[], spec: OpenAiCompatibleSpec): JsonValue {
  if (typeof content === 'string') return content;
  if (spec.flattenTextParts && content.every((p) => p.type === 'text')) {
    return content.map((p) => (p.type === 'text' ? p.text : '')).join('');
  }
  return content.map((p) => mapPart(p, spec.label ?? spec.kind));
}

/** Tool results are text in the OpenAI format: join text parts, refuse anything else. */
function toolResultText(content: string | ContentPart[], label: string): string {
  if (typeof content === 'string') return content;
  return content
    .map((p) => {
      if (p.type === 'text') return p.text;
      throw new HubError('unsupported_parameter', `tool results with ${p.type} parts cannot be sent to the ${label} upstream; send text`);
    })
    .join('');
}

function mapAssistant(m: AssistantMessage, spec: OpenAiCompatibleSpec): JsonObject {
  const out: JsonObject = { role: 'assistant', content: m.content === null ? null : mapContent(m.content, spec) };
  if (m.toolCalls && m.toolCalls.length > 0) {
    out.tool_calls = m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  }
  // `reasoning` is deliberately not sent back: most upstreams reject or ignore it.
  return out;
}

export function mapMessage(m: ChatMessage, spec: OpenAiCompatibleSpec): JsonObject {
  switch (m.role) {
    case 'system':
      return { role: 'system', content: typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join('\n') };
    case 'user': {
      const out: JsonObject = { role: 'user', content: mapContent(m.content, spec) };
      if (m.name !== undefined) out.name = m.name;
      return out;
    }
    case 'assistant':
      return mapAssistant(m, spec);
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: toolResultText(m.content, spec.label ?? spec.kind) };
  }
}

function mapTool(t: ToolDefinition): JsonObject {
  const fn: JsonObject = { name: t.name };
  if (t.description !== undefined) fn.description = t.description;
  fn.parameters = t.parameters ?? { type: 'object', properties: {} };
  if (t.strict !== undefined) fn.strict = t.strict;
  return { type: 'function', function: fn };
}

function mapToolChoice(c: ToolChoice): JsonValue {
  return typeof c === 'string' ? c : { type: 'function', function: { name: c.name } };
}

function mapResponseFormat(f: ResponseFormat): JsonObject {
  if (f.type !== 'json_schema') return { type: f.type };
  const schema: JsonObject = { name: f.name, schema: f.schema };
  if (f.strict !== undefined) schema.strict = f.strict;
  if (f.description !== undefined) schema.description = f.description;
  return { type: 'json_schema', json_schema: schema };
}

/** Sets `key` only when `value` is defined, so absent fields stay absent on the wire. */
function put(body: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value !== undefined) body[key] = value;
}

function mapSampling(body: JsonObject, req: ChatRequest, spec: OpenAiCompatibleSpec): void {
  put(body, spec.maxTokensField ?? 'max_tokens', req.maxTokens);
  put(body, 'temperature', req.temperature);
  put(body, 'top_p', req.topP);
  if (spec.supportsTopK) put(body, 'top_k', req.topK);
  put(body, 'stop', req.stop);
  put(body, 'seed', req.seed);
  put(body, 'presence_penalty', req.presencePenalty);
  put(body, 'frequency_penalty', req.frequencyPenalty);
}

/** Builds the upstream body. `stream` requests always ask for usage when the vendor can send it. */
export function buildChatBody(req: ChatRequest, target: UpstreamTarget, spec: OpenAiCompatibleSpec): JsonObject {
  const body: JsonObject = {};
  if (!spec.omitModel) body.model = target.model;
  body.messages = req.messages.map((m) => mapMessage(m, spec));
  mapSampling(body, req, spec);
  if (req.tools && req.tools.length > 0) body.tools = req.tools.map(mapTool);
  if (req.toolChoice !== undefined) body.tool_choice = mapToolChoice(req.toolChoice);
  put(body, 'parallel_tool_calls', req.parallelToolCalls);
  if (req.responseFormat) body.response_format = mapResponseFormat(req.responseFormat);
  put(body, 'reasoning_effort', req.reasoningEffort);
  put(body, 'user', req.user);
  for (const [key, value] of Object.entries(req.passthrough ?? {})) {
    if (!RESERVED_FIELDS.has(key)) body[key] = value;
  }
  if (req.stream) {
    body.stream = true;
    if (spec.requestStreamUsage ?? spec.capabilities.streamUsage) body.stream_options = { include_usage: true };
  } else {
    body.stream = false;
  }
  return spec.mapRequestBody ? spec.mapRequestBody(body, req, target) : body;
}
