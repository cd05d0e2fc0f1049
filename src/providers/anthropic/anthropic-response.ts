/**
 * Anthropic Messages response (non-stream) → canonical ChatResponse, and the usage mapping
 * shared with the stream reader.
 */
import { z } from 'zod';
import type { ChatResponse, ToolCall, Usage } from '../../core/chat.js';
import { HubError } from '../../core/errors.js';
import { ANTHROPIC_LABEL } from './anthropic-errors.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

export const anthropicUsageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

const blockSchema = z.object({
  type: z.string(),
  text: z.string().optional(),
  thinking: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
});

const messageSchema = z.object({
  id: z.string(),
  model: z.string().optional(),
  content: z.array(blockSchema),
  stop_reason: z.string().nullish(),
  usage: anthropicUsageSchema.nullish(),
});

/**
 * OpenAI semantics: input includes cache reads and writes; cached = reads; writes reported apart.
 * Anthropic does not report reasoning tokens separately (they are inside output_tokens).
 */
export function mapAnthropicUsage(u: AnthropicUsage): Usage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (u.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: u.output_tokens ?? 0,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: 0,
    source: 'provider',
  };
}

function unreadable(what: string, cause?: unknown): HubError {
  return new HubError('upstream_error', `${ANTHROPIC_LABEL} upstream: ${what}`, cause === undefined ? {} : { cause });
}

export function parseAnthropicResponse(bodyText: string, fallbackModel: string): ChatResponse {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch (err) {
    throw unreadable('the response body is not valid JSON', err);
  }
  const parsed = messageSchema.safeParse(json);
  if (!parsed.success) throw unreadable('the response is not a Messages API message', parsed.error);
  const msg = parsed.data;
  const text: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of msg.content) {
    if (block.type === 'text' && block.text !== undefined) text.push(block.text);
    else if (block.type === 'thinking' && block.thinking !== undefined) reasoning.push(block.thinking);
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id ?? `toolu_${toolCalls.length}`, name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) });
    }
  }
  const response: ChatResponse = {
    id: msg.id,
    model: msg.model ?? fallbackModel,
    created: Math.floor(Date.now() / 1000),
    content: text.length > 0 ? text.join('') : toolCalls.length > 0 ? null : '',
    toolCalls,
    finishReason: mapAnthropicStopReason(msg.stop_reason),
  };
  if (reasoning.length > 0) response.reasoning = reasoning.join('');
  if (msg.usage) response.usage = mapAnthropicUsage(msg.usage);
  return response;
}
