/**
 * Token counting with a real tokenizer (gpt-tokenizer, o200k_base) — only when an upstream gave
 * no usage (interrupted stream, usage-less private model). Rows it produces are marked
 * `usage_source = estimated`. Never called when the provider reported usage, even zero.
 */
import { countTokens } from 'gpt-tokenizer';
import type { ChatMessage, ChatRequest, ContentPart, Usage } from '../../core/chat.js';

/** OpenAI's chat framing: ~3 tokens per message plus 3 for the reply primer. */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMER = 3;
const TOKENS_PER_IMAGE = 765; // OpenAI high-detail 512px tile cost + base; a documented approximation

function contentText(content: string | ContentPart[] | null): { text: string; images: number } {
  if (content === null) return { text: '', images: 0 };
  if (typeof content === 'string') return { text: content, images: 0 };
  let text = '';
  let images = 0;
  for (const p of content) {
    if (p.type === 'text') text += p.text;
    else if (p.type === 'image') images++;
    else text += JSON.stringify(p.value);
  }
  return { text, images };
}

function messageTokens(m: ChatMessage): number {
  const { text, images } = contentText(m.content);
  let tokens = TOKENS_PER_MESSAGE + countTokens(text) + images * TOKENS_PER_IMAGE;
  if (m.role === 'assistant' && m.toolCalls) {
    for (const c of m.toolCalls) tokens += countTokens(c.name) + countTokens(c.arguments) + 3;
  }
  return tokens;
}

export function countPromptTokens(req: ChatRequest): number {
  let total = REPLY_PRIMER;
  for (const m of req.messages) total += messageTokens(m);
  if (req.tools && req.tools.length > 0) total += countTokens(JSON.stringify(req.tools));
  return total;
}

/** What a (possibly partial) answer produced so far: text, reasoning and tool-call arguments. */
export interface ProducedOutput {
  text: string;
  reasoning: string;
  toolCalls: { name: string; arguments: string }[];
}

export function countCompletionTokens(out: ProducedOutput): { output: number; reasoning: number } {
  const reasoning = out.reasoning === '' ? 0 : countTokens(out.reasoning);
  let output = (out.text === '' ? 0 : countTokens(out.text)) + reasoning;
  for (const c of out.toolCalls) if (c) output += countTokens(c.name) + countTokens(c.arguments);
  return { output, reasoning };
}

export function estimateUsage(req: ChatRequest, out: ProducedOutput): Usage {
  const { output, reasoning } = countCompletionTokens(out);
  return {
    inputTokens: countPromptTokens(req),
    outputTokens: output,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: reasoning,
    source: 'estimated',
  };
}

export function estimateEmbeddingUsage(inputs: readonly string[]): Usage {
  let input = 0;
  for (const t of inputs) input += countTokens(t);
  return { inputTokens: input, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'estimated' };
}
