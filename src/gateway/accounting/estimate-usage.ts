/**
 * Usage estimates — only when an upstream gave none (interrupted stream, usage-less private
 * model). Rows they produce are marked `usage_source = estimated`. Never used when the
 * provider reported usage, even zero. Counting: src/lib/token-count.ts (bounded on hostile input).
 */
import type { ChatRequest, Usage } from '../../core/chat.js';
import { promptTokens, textTokens } from '../../lib/token-count.js';

/** What a (possibly partial) answer produced so far: text, reasoning and tool-call arguments. */
export interface ProducedOutput {
  text: string;
  reasoning: string;
  toolCalls: ({ name: string; arguments: string } | undefined)[];
}

export function estimateUsage(req: ChatRequest, out: ProducedOutput): Usage {
  const reasoning = textTokens(out.reasoning);
  let output = textTokens(out.text) + reasoning;
  for (const c of out.toolCalls) if (c) output += textTokens(c.name) + textTokens(c.arguments);
  return {
    inputTokens: promptTokens(req),
    outputTokens: output,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: reasoning,
    source: 'estimated',
  };
}

export function estimateEmbeddingUsage(inputs: readonly string[]): Usage {
  let input = 0;
  for (const t of inputs) input += textTokens(t);
  return { inputTokens: input, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'estimated' };
}
