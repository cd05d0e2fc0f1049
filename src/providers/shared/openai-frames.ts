/**
 * Plain middle chunks of an OpenAI-format stream, forwarded to OpenAI-dialect clients as the
 * upstream wrote them (`openai-frames` events, core/chat.ts): the classifier that proves a chunk
 * plain without parsing it, and the event that carries the chunks' JSON texts.
 */
import type { OpenAiFramesEvent } from '../../core/chat.js';
import type { OpenAiChunk } from './openai-compatible-response.js';

/**
 * The `"key"` tokens that make a chunk not plain wherever they appear, written without their
 * opening quote: searching from a letter is several times faster than from a quote (JSON is full
 * of quotes), and findToken checks the quote.
 */
const NOT_PLAIN_TOKENS = ['tool_calls"', 'function_call"', 'error"', 'reasoning_content"', 'reasoning"'] as const;
const CONTENT_KEY = '"delta":{"content":"';

/** The index of the next `"key"` token (`tail` is `key"`) in `part` at or after `from`, or -1. */
function findToken(part: string, tail: string, from: number): number {
  for (let at = part.indexOf(tail, from + 1); at !== -1; at = part.indexOf(tail, at + 1)) {
    if (part.charCodeAt(at - 1) === 0x22) return at - 1;
  }
  return -1;
}

/**
 * How often the token `"key"` (`tail` is `key"`) occurs in `part`, or -1 if one occurrence is
 * not followed by exactly `:null`.
 */
function nullOnlyCount(part: string, tail: string): number {
  let count = 0;
  for (let at = findToken(part, tail, 0); at !== -1; at = findToken(part, tail, at + tail.length)) {
    if (!part.startsWith(':null', at + 1 + tail.length)) return -1;
    count++;
  }
  return count;
}

/** The `"finish_reason"` tokens of a part outside the content string, or -1 if it is not plain. */
function plainPartFinishCount(part: string): number {
  if (nullOnlyCount(part, 'usage"') < 0 || nullOnlyCount(part, 'refusal"') < 0) return -1;
  for (const token of NOT_PLAIN_TOKENS) if (findToken(part, token, 0) !== -1) return -1;
  return nullOnlyCount(part, 'finish_reason"');
}

/** The index of the quote closing the JSON string body that starts at `start`, or -1. */
function stringEnd(data: string, start: number): number {
  for (let at = data.indexOf('"', start); at !== -1; at = data.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (at - backslashes - 1 >= start && data.charCodeAt(at - backslashes - 1) === 0x5c) backslashes++;
    if ((backslashes & 1) === 0) return at;
  }
  return -1;
}

/**
 * Tells whether an OpenAI-format chunk's JSON text is provably "plain": a text content delta
 * and nothing else the hub acts on — no finish reason, usage, tool call, reasoning, refusal text
 * or error. Checked on the text, without parsing. The text is cut into the prefix up to the first
 * `"delta":{"content":"`, the content string body, and the suffix from its closing quote; then:
 * - one line (it is forwarded as one SSE `data:` line), an object (`{…}`);
 * - prefix and suffix hold `"finish_reason"` exactly once, as `"finish_reason":null`;
 * - `"usage"` and `"refusal"` only as `…:null`; none of NOT_PLAIN_TOKENS.
 * The content text is left out of the checks, so whatever it says cannot fake or hide a key.
 * Whitespace between a key and its value makes a chunk not plain. A plain-looking chunk that is
 * not valid JSON is not detected (it is forwarded as received).
 *
 * The chunks of one stream usually share their prefix and suffix: the last prefix and suffix
 * found plain are remembered, and a chunk that repeats them is checked by comparison only.
 */
export class PlainChunkClassifier {
  private prefix = '';
  private prefixFinish = 0;
  private suffix = '';
  private suffixFinish = 0;

  isPlain(data: string): boolean {
    if (data.includes('\n') || data.includes('\r')) return false;
    let start: number;
    let finish: number;
    // `slice ===` compares as memory; `startsWith` goes character by character.
    if (this.prefix !== '' && data.slice(0, this.prefix.length) === this.prefix) {
      start = this.prefix.length;
      finish = this.prefixFinish;
    } else {
      if (data.charCodeAt(0) !== 0x7b) return false;
      const at = data.indexOf(CONTENT_KEY);
      if (at === -1) return false;
      start = at + CONTENT_KEY.length;
      const prefix = data.slice(0, start);
      finish = plainPartFinishCount(prefix);
      if (finish < 0) return false;
      this.prefix = prefix;
      this.prefixFinish = finish;
    }
    const end = stringEnd(data, start);
    if (end === -1) return false;
    if (data.length - end === this.suffix.length && data.slice(end) === this.suffix) {
      finish += this.suffixFinish;
    } else {
      if (data.charCodeAt(data.length - 1) !== 0x7d) return false;
      const suffix = data.slice(end);
      const suffixFinish = plainPartFinishCount(suffix);
      if (suffixFinish < 0) return false;
      this.suffix = suffix;
      this.suffixFinish = suffixFinish;
      finish += suffixFinish;
    }
    return finish === 1;
  }
}

/** `PlainChunkClassifier` for one chunk on its own. */
export function isPlainMiddleChunk(data: string): boolean {
  return new PlainChunkClassifier().isPlain(data);
}

/** The content text of plain chunks; a chunk that does not parse adds none. */
function framesText(data: readonly string[]): string {
  let text = '';
  for (const item of data) {
    try {
      const content = (JSON.parse(item) as OpenAiChunk).choices?.[0]?.delta?.content;
      if (typeof content === 'string') text += content;
    } catch {
      // Reached the client as the upstream wrote it; there is no text to count.
    }
  }
  return text;
}

/** An `openai-frames` event over `data` (which may still grow while its batch is read). */
export function openAiFramesEvent(data: string[]): OpenAiFramesEvent {
  let text: string | undefined;
  return { type: 'openai-frames', data, text: () => (text ??= framesText(data)) };
}
