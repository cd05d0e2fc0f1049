/**
 * Token counting with a real tokenizer (gpt-tokenizer, o200k_base), safe on untrusted input.
 * Used only where a count is really needed: the simulator's usage, and usage estimates when an
 * upstream reported none. Prompt tokens follow OpenAI's chat accounting: 4 tokens per message
 * (+1 for a name), +3 to prime the reply; an image counts 85 tokens (low detail); tool
 * definitions and a json_schema count as their JSON text.
 */
import { createRequire } from 'node:module';
import type { ChatMessage, ChatRequest, ContentPart } from '../core/chat.js';

type Tokenizer = typeof import('gpt-tokenizer');
let loaded: Tokenizer | undefined;

/**
 * gpt-tokenizer, loaded on first use: its BPE tables cost ~66 MB of RSS, and the common
 * request path (an upstream that reports usage) never counts tokens.
 */
export function tokenizer(): Tokenizer {
  loaded ??= createRequire(import.meta.url)('gpt-tokenizer') as Tokenizer;
  return loaded;
}

const PER_MESSAGE = 4;
const REPLY_PRIMING = 3;
const IMAGE_TOKENS = 85;

/**
 * BPE cost grows with the square of one pre-token (200 kB of a single "word" takes over a
 * minute), so runs of letters or of punctuation longer than this are counted in slices.
 * Ordinary text (and compact JSON) is counted exactly as the tokenizer counts it.
 */
const MAX_RUN = 256;
const LONG_RUN = new RegExp(`[\\p{L}\\p{M}]{${MAX_RUN + 1},}|[^\\s\\p{L}\\p{N}]{${MAX_RUN + 1},}`, 'u');
const RUN_SLICE = new RegExp(`([\\p{L}\\p{M}]{${MAX_RUN}}|[^\\s\\p{L}\\p{N}]{${MAX_RUN}})`, 'u');

export function boundedPieces(text: string): string[] {
  return LONG_RUN.test(text) ? text.split(RUN_SLICE).filter((p) => p !== '') : [text];
}

export function textTokens(text: string): number {
  if (text === '') return 0;
  let total = 0;
  for (const piece of boundedPieces(text)) total += tokenizer().countTokens(piece);
  return total;
}

function contentTokens(content: string | ContentPart[] | null): number {
  if (content === null) return 0;
  if (typeof content === 'string') return textTokens(content);
  let total = 0;
  for (const part of content) {
    if (part.type === 'text') total += textTokens(part.text);
    else if (part.type === 'image') total += IMAGE_TOKENS;
    else total += textTokens(JSON.stringify(part.value));
  }
  return total;
}

function messageTokens(m: ChatMessage): number {
  let total = PER_MESSAGE + contentTokens(m.content);
  if (m.role === 'user' && m.name) total += 1 + textTokens(m.name);
  if (m.role === 'assistant') {
    for (const call of m.toolCalls ?? []) total += textTokens(call.name) + textTokens(call.arguments) + 3;
  }
  if (m.role === 'tool') total += textTokens(m.toolCallId);
  return total;
}

export function promptTokens(req: ChatRequest): number {
  let total = REPLY_PRIMING;
  for (const m of req.messages) total += messageTokens(m);
  if (req.tools && req.tools.length > 0) total += textTokens(JSON.stringify(req.tools));
  if (req.responseFormat?.type === 'json_schema') total += textTokens(JSON.stringify(req.responseFormat.schema));
  return total;
}
