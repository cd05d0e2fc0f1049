/**
 * OpenAI Chat Completions response (and stream chunk) schemas, parsed leniently: unknown fields
 * are ignored, nullable fields may be null or absent. Plus the usage and finish-reason
 * normalisation shared by the non-stream and stream paths.
 */
import { z } from 'zod';
import { HubError } from '../../core/errors.js';
import type { ChatResponse, FinishReason, ToolCall, Usage } from '../../core/chat.js';
import type { OpenAiCompatibleSpec, OpenAiRawUsage } from './openai-compatible-spec.js';
import { plainCompletion } from './openai-compatible-fast-shape.js';

const count = z.number().nullish();

export const rawUsageSchema = z.object({
  prompt_tokens: count,
  completion_tokens: count,
  total_tokens: count,
  prompt_tokens_details: z.object({ cached_tokens: count }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: count }).nullish(),
  prompt_cache_hit_tokens: count,
});

/** Content is usually a string; a few servers send an array of text parts. */
const contentSchema = z.union([z.string(), z.array(z.object({ type: z.string().optional(), text: z.string().optional() })), z.null()]).optional();

const argumentsSchema = z.union([z.string(), z.record(z.string(), z.unknown())]).nullish();

const messageToolCallSchema = z.object({
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: argumentsSchema }),
});

const responseSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  created: z.number().nullish(),
  choices: z.array(
    z.object({
      message: z.object({
        content: contentSchema,
        reasoning_content: z.string().nullish(),
        tool_calls: z.array(messageToolCallSchema).nullish(),
      }),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: rawUsageSchema.nullish(),
});

const deltaToolCallSchema = z.object({
  index: z.number().optional(),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: argumentsSchema }).nullish(),
});

export const chunkSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  created: z.number().nullish(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: contentSchema,
            reasoning_content: z.string().nullish(),
            tool_calls: z.array(deltaToolCallSchema).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
        /** Moonshot puts the final usage inside the choice. */
        usage: rawUsageSchema.nullish(),
      }),
    )
    .nullish(),
  usage: rawUsageSchema.nullish(),
});

export type OpenAiChunk = z.infer<typeof chunkSchema>;
export type OpenAiCompletion = z.infer<typeof responseSchema>;

const OPENAI_FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
};

/** Vendor finish reason → canonical; unknown reasons count as `stop`. */
export function mapFinishReason(raw: string | null | undefined, spec: OpenAiCompatibleSpec): FinishReason {
  if (raw === null || raw === undefined || raw === '') return 'stop';
  return spec.mapFinishReason?.(raw) ?? OPENAI_FINISH[raw] ?? 'stop';
}

/** Raw usage → canonical usage; undefined when the upstream reported no token counts at all. */
export function normaliseUsage(raw: OpenAiRawUsage | null | undefined, spec: OpenAiCompatibleSpec): Usage | undefined {
  if (!raw) return undefined;
  if (raw.prompt_tokens == null && raw.completion_tokens == null) return undefined;
  const usage: Usage = {
    inputTokens: raw.prompt_tokens ?? 0,
    outputTokens: raw.completion_tokens ?? 0,
    cachedInputTokens: raw.prompt_tokens_details?.cached_tokens ?? raw.prompt_cache_hit_tokens ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: raw.completion_tokens_details?.reasoning_tokens ?? 0,
    source: 'provider',
  };
  return spec.mapUsage ? spec.mapUsage(usage, raw) : usage;
}

export function contentText(content: z.infer<typeof contentSchema>): string | null {
  if (content === undefined || content === null) return null;
  if (typeof content === 'string') return content;
  return content.map((p) => p.text ?? '').join('');
}

export function argumentsText(args: z.infer<typeof argumentsSchema>): string {
  if (args === undefined || args === null) return '';
  return typeof args === 'string' ? args : JSON.stringify(args);
}

/** Parses JSON text, tolerating leading blank lines (DeepSeek keeps queued connections alive with them). */
export function parseJsonText(text: string, label: string): unknown {
  try {
    return JSON.parse(text.trim());
  } catch (err) {
    const what = text.trim() === '' ? 'an empty body' : 'malformed or truncated JSON';
    throw new HubError('upstream_error', `${label} upstream: the response was ${what}`, { cause: err });
  }
}

export interface ParseContext {
  spec: OpenAiCompatibleSpec;
  /** target.model, used when the upstream omits `model`. */
  model: string;
  requestId: string;
}

export function parseChatResponse(json: unknown, ctx: ParseContext): ChatResponse {
  const label = ctx.spec.label ?? ctx.spec.kind;
  const fast = plainCompletion(json);
  const parsed = fast ? undefined : responseSchema.safeParse(json);
  const data = fast ?? (parsed?.success ? parsed.data : undefined);
  const choice = data?.choices[0];
  if (!data || !choice) {
    throw new HubError('upstream_error', `${label} upstream: the response is not a chat completion (no choices)`, {
      ...(parsed && !parsed.success ? { cause: parsed.error } : {}),
    });
  }
  const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).map((c, i) => ({
    id: c.id ?? `call_${ctx.requestId}_${i}`,
    name: c.function.name ?? '',
    arguments: argumentsText(c.function.arguments),
  }));
  const response: ChatResponse = {
    id: data.id ?? `chatcmpl-${ctx.requestId}`,
    model: data.model ?? ctx.model,
    created: data.created ?? Math.floor(Date.now() / 1000),
    content: contentText(choice.message.content),
    toolCalls,
    finishReason: mapFinishReason(choice.finish_reason, ctx.spec),
    usage: normaliseUsage(data.usage, ctx.spec),
  };
  if (choice.message.reasoning_content) response.reasoning = choice.message.reasoning_content;
  return response;
}
