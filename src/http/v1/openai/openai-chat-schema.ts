/**
 * zod schema of the `POST /v1/chat/completions` body (OpenAI Chat Completions, see
 * WIRE-FORMATS.md). Optional fields also accept `null` (many clients send explicit nulls).
 * Content parts are validated by their `type`; part types the hub does not model pass as
 * opaque `openai` parts.
 */
import { z } from 'zod';
import type { ContentPart, ImagePart, JsonObject, TextPart } from '../../../core/chat.js';
import { hubExtensionSchema } from './openai-hub-extension.js';

const jsonObject = z.record(z.string(), z.unknown()).transform((v) => v as JsonObject);

const textPartSchema = z.looseObject({ type: z.literal('text'), text: z.string() });
const imagePartSchema = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).nullish() }),
});
const refusalPartSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

/** Validates one part of a known type: the canonical part, or the zod error. */
type PartParser = (value: Record<string, unknown>) => ContentPart | z.ZodError;

/**
 * A content part dispatched on `type`: the matching schema reports precise paths
 * (`content[1].image_url.url`); an unknown type becomes an opaque part, or an error when
 * `allowOpaque` is false.
 */
function partSchema(parsers: Record<string, PartParser>, allowOpaque: boolean) {
  return z.looseObject({ type: z.string() }).transform((part, ctx): ContentPart => {
    const parse = parsers[part.type];
    if (parse === undefined) {
      if (allowOpaque) return { type: 'opaque', format: 'openai', value: part as JsonObject };
      ctx.issues.push({
        code: 'custom',
        path: ['type'],
        input: part.type,
        message: `part type '${part.type}' is not allowed here; expected ${Object.keys(parsers).map((k) => `'${k}'`).join(' or ')}`,
      });
      return z.NEVER;
    }
    const result = parse(part);
    if (!(result instanceof z.ZodError)) return result;
    for (const issue of result.issues) ctx.issues.push({ ...issue, input: undefined } as never);
    return z.NEVER;
  });
}

const textParser: PartParser = (v) => {
  const r = textPartSchema.safeParse(v);
  return r.success ? ({ type: 'text', text: r.data.text } satisfies TextPart) : r.error;
};
const imageParser: PartParser = (v) => {
  const r = imagePartSchema.safeParse(v);
  if (!r.success) return r.error;
  const part: ImagePart = { type: 'image', url: r.data.image_url.url };
  if (r.data.image_url.detail) part.detail = r.data.image_url.detail;
  return part;
};
const refusalParser: PartParser = (v) => {
  const r = refusalPartSchema.safeParse(v);
  return r.success ? ({ type: 'text', text: r.data.refusal } satisfies TextPart) : r.error;
};

const userPart = partSchema({ text: textParser, image_url: imageParser }, true);
const textOnlyPart = partSchema({ text: textParser }, false);
const assistantPart = partSchema({ text: textParser, refusal: refusalParser }, false);

const textContent = z.union([z.string(), z.array(textOnlyPart)]);

const toolCallSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

export const openAiMessageSchema = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content: textContent, name: z.string().nullish() }),
  z.looseObject({ role: z.literal('developer'), content: textContent, name: z.string().nullish() }),
  z.looseObject({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(userPart)]),
    name: z.string().nullish(),
  }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(assistantPart)]).nullish(),
    tool_calls: z.array(toolCallSchema).nullish(),
    reasoning_content: z.string().nullish(),
    name: z.string().nullish(),
  }),
  z.looseObject({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: textContent }),
]);

export type OpenAiMessage = z.infer<typeof openAiMessageSchema>;

const toolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1).max(128),
    description: z.string().nullish(),
    parameters: jsonObject.nullish(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) }),
]);

const responseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().min(1).max(64),
      description: z.string().nullish(),
      schema: jsonObject.nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const penalty = z.number().min(-2).max(2).nullish();

/** Fields the codec maps onto ChatRequest; everything else travels in `passthrough`. */
export const OPENAI_MAPPED_FIELDS: ReadonlySet<string> = new Set([
  'model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature',
  'top_p', 'top_k', 'n', 'stop', 'seed', 'presence_penalty', 'frequency_penalty', 'tools', 'tool_choice',
  'parallel_tool_calls', 'response_format', 'reasoning_effort', 'user', 'zhongshu',
]);

export const openAiChatBodySchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(openAiMessageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(1).nullish(),
  n: z.number().int().min(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: penalty,
  frequency_penalty: penalty,
  tools: z.array(toolSchema).max(128).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormatSchema.nullish(),
  reasoning_effort: z.string().nullish(),
  user: z.string().nullish(),
  zhongshu: hubExtensionSchema,
  // Passed through, but their types are checked here so a bad value fails at the hub.
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  service_tier: z.string().nullish(),
});

export type OpenAiChatBody = z.infer<typeof openAiChatBodySchema>;

/** The validated body without its messages: what the translation reads besides the messages. */
export type OpenAiChatFields = { [K in keyof OpenAiChatBody as K extends 'messages' ? never : K]: OpenAiChatBody[K] };
