/**
 * Hand-written decoder of the `POST /v1/chat/completions` body: the fast path in front of
 * `openAiChatBodySchema` (zod), which stays the authority.
 *
 * Contract of `fastDecodeOpenAiChatBody(raw)`:
 * - It returns a result only for a body the schema accepts, and that result is exactly what the
 *   schema path yields (the same `fields` values and the same canonical messages).
 * - It returns `undefined` for anything invalid or unusual (an own `__proto__` key in a record,
 *   symbol keys…); the caller then runs the schema, which accepts or words the error.
 * - It performs no semantic checks (`n` > 1, `tool_choice` against `tools`): the shared
 *   translation in openai-chat-request.ts does them for both paths.
 * - `raw` is JSON data (what a JSON parser produces). It is never mutated.
 *
 * Each check below mirrors one line of openai-chat-schema.ts; test/codecs/openai-chat-fast-decode
 * compares both paths on a generated corpus of valid and invalid bodies.
 */
import type {
  AssistantMessage,
  ChatMessage,
  ContentPart,
  ImagePart,
  JsonObject,
  TextPart,
  ToolCall,
  UserMessage,
} from '../../../core/chat.js';
import type { OpenAiChatFields } from './openai-chat-schema.js';

export interface FastDecodedChatBody {
  /**
   * `raw` itself, validated: every field the translation reads has the schema's output type.
   * Where zod hands out shallow copies (`stop`, tool `parameters`, `json_schema.schema`) this
   * hands out the body's own arrays/objects: deep-equal, not the same identity.
   */
  fields: OpenAiChatFields;
  /** The canonical messages (what `toCanonicalMessage` makes of the schema's output). */
  messages: ChatMessage[];
}

type Obj = Record<string, unknown>;

/** The schema's `z.looseObject` input check. */
function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isNullish = (v: unknown): v is null | undefined => v === undefined || v === null;
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const optString = (v: unknown): boolean => isNullish(v) || typeof v === 'string';
const optBoolean = (v: unknown): boolean => isNullish(v) || typeof v === 'boolean';

/** `z.number().min(min).max(max).nullish()`: zod numbers are finite. */
function optNumberIn(v: unknown, min: number, max: number): boolean {
  return isNullish(v) || (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max);
}

/** `z.number().int().min(min).max(max).nullish()`: zod integers are safe integers. */
function optIntIn(v: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): boolean {
  return isNullish(v) || (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max);
}

/**
 * A `z.record(z.string(), …)` input that zod would copy key for key: a plain object (no own
 * `constructor`, so zod's plain-object test is certain to pass), without symbol keys (zod
 * rejects those) and without an own `__proto__` key (zod drops it).
 */
function isPlainRecord(v: unknown): v is Obj {
  if (!isObject(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.hasOwn(v, '__proto__') || Object.hasOwn(v, 'constructor')) return false;
  return Object.getOwnPropertySymbols(v).length === 0;
}

/** `jsonObject.nullish()`: the schema's copy of a plain record equals the record itself. */
const optJsonObject = (v: unknown): boolean => isNullish(v) || isPlainRecord(v);

/** `z.record(z.string(), z.string() | z.number()).nullish()`. */
function optRecordOf(v: unknown, valueType: 'string' | 'number'): boolean {
  if (isNullish(v)) return true;
  if (!isPlainRecord(v)) return false;
  for (const key in v) {
    const value = v[key];
    if (typeof value !== valueType || (valueType === 'number' && !Number.isFinite(value))) return false;
  }
  return true;
}

// ---- content parts -------------------------------------------------------------------------

/**
 * Which part types a role accepts (`partSchema` in the schema file): `text-only` (system,
 * developer, tool), `user` (text, image_url, anything else as an opaque part), `assistant`
 * (text, refusal as text).
 */
type PartSet = 'text-only' | 'user' | 'assistant';

function decodeImagePart(part: Obj): ImagePart | undefined {
  const image = part.image_url;
  if (!isObject(image) || !isNonEmptyString(image.url)) return undefined;
  const detail = image.detail;
  if (isNullish(detail)) return { type: 'image', url: image.url };
  if (detail !== 'auto' && detail !== 'low' && detail !== 'high') return undefined;
  return { type: 'image', url: image.url, detail };
}

/** The schema's loose-object copy of an unknown part: `type` first, then the other keys. */
function opaquePart(part: Obj, type: string): ContentPart {
  const value: Obj = { type };
  for (const key in part) {
    if (key !== 'type' && key !== '__proto__') value[key] = part[key];
  }
  return { type: 'opaque', format: 'openai', value: value as JsonObject };
}

function decodePart(part: unknown, set: PartSet): ContentPart | undefined {
  if (!isObject(part)) return undefined;
  const type = part.type;
  if (typeof type !== 'string') return undefined;
  if (type === 'text') return typeof part.text === 'string' ? { type: 'text', text: part.text } : undefined;
  if (set === 'user') return type === 'image_url' ? decodeImagePart(part) : opaquePart(part, type);
  if (set === 'assistant' && type === 'refusal') {
    return typeof part.refusal === 'string' ? { type: 'text', text: part.refusal } : undefined;
  }
  return undefined;
}

function decodeParts(value: unknown[], set: PartSet): ContentPart[] | undefined {
  const parts: ContentPart[] = [];
  for (let i = 0; i < value.length; i++) {
    const part = decodePart(value[i], set);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return parts;
}

/** `textContent`: a string or text parts. */
function decodeTextContent(value: unknown): string | TextPart[] | undefined {
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? (decodeParts(value, 'text-only') as TextPart[] | undefined) : undefined;
}

// ---- messages ------------------------------------------------------------------------------

function decodeToolCalls(value: unknown): ToolCall[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const calls: ToolCall[] = [];
  for (let i = 0; i < value.length; i++) {
    const c: unknown = value[i];
    if (!isObject(c) || !isNonEmptyString(c.id) || (c.type !== undefined && c.type !== 'function')) return undefined;
    const fn = c.function;
    if (!isObject(fn) || !isNonEmptyString(fn.name) || typeof fn.arguments !== 'string') return undefined;
    calls.push({ id: c.id, name: fn.name, arguments: fn.arguments });
  }
  return calls;
}

function decodeAssistant(m: Obj): AssistantMessage | undefined {
  const content = m.content;
  let canonical: string | ContentPart[] | null;
  if (isNullish(content)) canonical = null;
  else if (typeof content === 'string') canonical = content;
  else if (!Array.isArray(content)) return undefined;
  else {
    const parts = decodeParts(content, 'assistant');
    if (parts === undefined) return undefined;
    canonical = parts;
  }
  if (!optString(m.reasoning_content) || !optString(m.name)) return undefined;
  const msg: AssistantMessage = { role: 'assistant', content: canonical };
  if (!isNullish(m.tool_calls)) {
    const calls = decodeToolCalls(m.tool_calls);
    if (calls === undefined) return undefined;
    if (calls.length > 0) msg.toolCalls = calls;
  }
  if (m.reasoning_content) msg.reasoning = m.reasoning_content as string;
  return msg;
}

function decodeUser(m: Obj): UserMessage | undefined {
  const content = m.content;
  let canonical: string | ContentPart[] | undefined;
  if (typeof content === 'string') canonical = content;
  else if (Array.isArray(content)) canonical = decodeParts(content, 'user');
  if (canonical === undefined || !optString(m.name)) return undefined;
  const msg: UserMessage = { role: 'user', content: canonical };
  if (m.name) msg.name = m.name as string;
  return msg;
}

function decodeMessage(m: unknown): ChatMessage | undefined {
  if (!isObject(m)) return undefined;
  switch (m.role) {
    case 'user':
      return decodeUser(m);
    case 'system':
    case 'developer': {
      const content = decodeTextContent(m.content);
      return content === undefined || !optString(m.name) ? undefined : { role: 'system', content };
    }
    case 'assistant':
      return decodeAssistant(m);
    case 'tool': {
      const content = decodeTextContent(m.content);
      if (content === undefined || !isNonEmptyString(m.tool_call_id)) return undefined;
      return { role: 'tool', toolCallId: m.tool_call_id, content };
    }
    default:
      return undefined;
  }
}

function decodeMessages(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const messages: ChatMessage[] = [];
  for (let i = 0; i < value.length; i++) {
    const msg = decodeMessage(value[i]);
    if (msg === undefined) return undefined;
    messages.push(msg);
  }
  return messages;
}

// ---- the other fields ----------------------------------------------------------------------

function isToolsField(v: unknown): boolean {
  if (isNullish(v)) return true;
  if (!Array.isArray(v) || v.length > 128) return false;
  for (let i = 0; i < v.length; i++) {
    const t: unknown = v[i];
    if (!isObject(t) || t.type !== 'function' || !isObject(t.function)) return false;
    const fn = t.function;
    if (typeof fn.name !== 'string' || fn.name.length < 1 || fn.name.length > 128) return false;
    if (!optString(fn.description) || !optJsonObject(fn.parameters) || !optBoolean(fn.strict)) return false;
  }
  return true;
}

function isToolChoiceField(v: unknown): boolean {
  if (isNullish(v) || v === 'none' || v === 'auto' || v === 'required') return true;
  return isObject(v) && v.type === 'function' && isObject(v.function) && isNonEmptyString(v.function.name);
}

function isResponseFormatField(v: unknown): boolean {
  if (isNullish(v)) return true;
  if (!isObject(v)) return false;
  if (v.type === 'text' || v.type === 'json_object') return true;
  if (v.type !== 'json_schema' || !isObject(v.json_schema)) return false;
  const js = v.json_schema;
  if (typeof js.name !== 'string' || js.name.length < 1 || js.name.length > 64) return false;
  return optString(js.description) && optJsonObject(js.schema) && optBoolean(js.strict);
}

function isStopField(v: unknown): boolean {
  if (isNullish(v) || typeof v === 'string') return true;
  if (!Array.isArray(v) || v.length > 4) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}

/** `hubExtensionSchema`: strict, so any other key (even `__proto__`) sends the body to zod. */
function isHubExtensionField(v: unknown): boolean {
  if (isNullish(v)) return true;
  if (!isObject(v)) return false;
  for (const key in v) {
    if (key !== 'biz_level' && key !== 'prefer_cost' && key !== 'capabilities' && key !== 'end_user') return false;
  }
  const level = v.biz_level;
  if (!isNullish(level) && level !== 'premium' && level !== 'normal' && level !== 'economy') return false;
  if (!isNullish(v.prefer_cost) && v.prefer_cost !== 'low' && v.prefer_cost !== 'high') return false;
  const endUser = v.end_user;
  if (!isNullish(endUser) && (typeof endUser !== 'string' || endUser.length < 1 || endUser.length > 256)) return false;
  const caps = v.capabilities;
  if (isNullish(caps)) return true;
  if (!Array.isArray(caps) || caps.length > 32) return false;
  for (let i = 0; i < caps.length; i++) if (!isNonEmptyString(caps[i])) return false;
  return true;
}

/** Everything but `model` and `messages`: scalars first (cheap), then the structured fields. */
function areOtherFieldsValid(b: Obj): boolean {
  return (
    optBoolean(b.stream) &&
    (isNullish(b.stream_options) || (isObject(b.stream_options) && optBoolean(b.stream_options.include_usage))) &&
    optIntIn(b.max_tokens, 1) &&
    optIntIn(b.max_completion_tokens, 1) &&
    optNumberIn(b.temperature, 0, 2) &&
    optNumberIn(b.top_p, 0, 1) &&
    optIntIn(b.top_k, 1) &&
    optIntIn(b.n, 1) &&
    optIntIn(b.seed, Number.MIN_SAFE_INTEGER) &&
    optNumberIn(b.presence_penalty, -2, 2) &&
    optNumberIn(b.frequency_penalty, -2, 2) &&
    optBoolean(b.parallel_tool_calls) &&
    optString(b.reasoning_effort) &&
    optString(b.user) &&
    optBoolean(b.logprobs) &&
    optIntIn(b.top_logprobs, 0, 20) &&
    optBoolean(b.store) &&
    optString(b.service_tier) &&
    isStopField(b.stop) &&
    isToolsField(b.tools) &&
    isToolChoiceField(b.tool_choice) &&
    isResponseFormatField(b.response_format) &&
    isHubExtensionField(b.zhongshu) &&
    optRecordOf(b.logit_bias, 'number') &&
    optRecordOf(b.metadata, 'string')
  );
}

/** The fast path: the validated body and its canonical messages, or `undefined` (run the schema). */
export function fastDecodeOpenAiChatBody(raw: Record<string, unknown>): FastDecodedChatBody | undefined {
  if (!isNonEmptyString(raw.model) || !areOtherFieldsValid(raw)) return undefined;
  const messages = decodeMessages(raw.messages);
  if (messages === undefined) return undefined;
  return { fields: raw as OpenAiChatFields, messages };
}
