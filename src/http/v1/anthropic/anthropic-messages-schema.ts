/**
 * zod schema of the `POST /v1/messages` body (Anthropic Messages, see WIRE-FORMATS.md).
 * Content blocks are dispatched on `type` into a small internal union, so the request codec
 * can split tool results into tool messages and tool uses into assistant tool calls.
 */
import { z } from 'zod';
import type { ContentPart, JsonObject } from '../../../core/chat.js';
import { hubExtensionSchema } from '../openai/openai-hub-extension.js';

const jsonObject = z.record(z.string(), z.unknown()).transform((v) => v as JsonObject);

/** A parsed content block. `drop`: thinking blocks, which the hub does not send upstream. */
export type AnthropicBlock =
  | { kind: 'part'; part: ContentPart }
  | { kind: 'tool_use'; id: string; name: string; input: JsonObject }
  | { kind: 'tool_result'; toolUseId: string; content: string | ContentPart[]; isError: boolean }
  | { kind: 'drop' };

type BlockParser = (value: Record<string, unknown>) => AnthropicBlock | z.ZodError;

const textSchema = z.looseObject({ type: z.literal('text'), text: z.string() });
const imageSchema = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string().min(1) }),
    z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
    z.looseObject({ type: z.literal('file'), file_id: z.string().min(1) }),
  ]),
});
const toolUseSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: jsonObject,
});

const opaque = (value: Record<string, unknown>): AnthropicBlock => ({
  kind: 'part',
  part: { type: 'opaque', format: 'anthropic', value: value as JsonObject },
});

const textParser: BlockParser = (v) => {
  const r = textSchema.safeParse(v);
  return r.success ? { kind: 'part', part: { type: 'text', text: r.data.text } } : r.error;
};

const imageParser: BlockParser = (v) => {
  const r = imageSchema.safeParse(v);
  if (!r.success) return r.error;
  const s = r.data.source;
  if (s.type === 'base64') return { kind: 'part', part: { type: 'image', url: `data:${s.media_type};base64,${s.data}` } };
  if (s.type === 'url') return { kind: 'part', part: { type: 'image', url: s.url } };
  return opaque(v); // Files API reference: only an Anthropic upstream can resolve it.
};

const toolUseParser: BlockParser = (v) => {
  const r = toolUseSchema.safeParse(v);
  return r.success ? { kind: 'tool_use', id: r.data.id, name: r.data.name, input: r.data.input } : r.error;
};

const dropParser: BlockParser = () => ({ kind: 'drop' });

/** Blocks dispatched on `type`; unknown types (document, search_result…) become opaque parts. */
function blockSchema(parsers: Record<string, BlockParser>) {
  return z.looseObject({ type: z.string() }).transform((block, ctx): AnthropicBlock => {
    const parse = parsers[block.type];
    if (parse === undefined) return opaque(block);
    const result = parse(block);
    if (!(result instanceof z.ZodError)) return result;
    for (const issue of result.issues) ctx.issues.push({ ...issue, input: undefined } as never);
    return z.NEVER;
  });
}

const toolResultInnerBlock = blockSchema({ text: textParser, image: imageParser });
const toolResultSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(toolResultInnerBlock)]).nullish(),
  is_error: z.boolean().nullish(),
});

const toolResultParser: BlockParser = (v) => {
  const r = toolResultSchema.safeParse(v);
  if (!r.success) return r.error;
  const c = r.data.content ?? '';
  const content = typeof c === 'string' ? c : c.flatMap((b) => (b.kind === 'part' ? [b.part] : []));
  return { kind: 'tool_result', toolUseId: r.data.tool_use_id, content, isError: r.data.is_error === true };
};

const messageBlock = blockSchema({
  text: textParser,
  image: imageParser,
  tool_use: toolUseParser,
  tool_result: toolResultParser,
  thinking: dropParser,
  redacted_thinking: dropParser,
});

export const anthropicMessageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(messageBlock)]),
});

const systemSchema = z.union([z.string(), z.array(z.looseObject({ type: z.literal('text'), text: z.string() }))]);

const toolSchema = z.looseObject({
  type: z.string().nullish(),
  name: z.string().min(1).max(128),
  description: z.string().nullish(),
  input_schema: jsonObject.nullish(),
});

const parallelFlag = { disable_parallel_tool_use: z.boolean().nullish() };
const toolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), ...parallelFlag }),
  z.looseObject({ type: z.literal('any'), ...parallelFlag }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), ...parallelFlag }),
  z.looseObject({ type: z.literal('none') }),
]);

const thinkingSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().min(1) }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('adaptive') }),
]);

export const anthropicMessagesBodySchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(anthropicMessageSchema).min(1),
  system: systemSchema.nullish(),
  tools: z.array(toolSchema).max(128).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  temperature: z.number().min(0).max(1).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),
  stream: z.boolean().nullish(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
  thinking: thinkingSchema.nullish(),
  zhongshu: hubExtensionSchema,
});

export type AnthropicMessagesBody = z.infer<typeof anthropicMessagesBodySchema>;
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;
