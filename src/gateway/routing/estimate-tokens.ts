/**
 * Cheap token estimates for admission — no tokenizer pass on the request path.
 *
 * `upperBound` is a true upper bound for byte-level BPE tokenizers (a token is at least one
 * UTF-8 byte) plus per-message framing and a fixed allowance per image; budgets reserve with
 * it, so a reservation is never smaller than the real prompt. `typical` is a closer guess used
 * for context-window filtering and TPM admission.
 */
import type { ChatMessage, ContentPart, ChatRequest } from '../../core/chat.js';

const PER_MESSAGE_OVERHEAD = 8;
/** High-detail image at the largest common tiling (OpenAI ≈ 1,105; Claude ≤ ~1,600). */
const IMAGE_ALLOWANCE = 1_600;

export interface TokenEstimate {
  upperBound: number;
  typical: number;
}

function textOf(content: string | ContentPart[] | null): { text: string; images: number; opaqueBytes: number } {
  if (content === null) return { text: '', images: 0, opaqueBytes: 0 };
  if (typeof content === 'string') return { text: content, images: 0, opaqueBytes: 0 };
  let text = '';
  let images = 0;
  let opaqueBytes = 0;
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'image') images++;
    else opaqueBytes += JSON.stringify(part.value).length;
  }
  return { text, images, opaqueBytes };
}

function messageText(m: ChatMessage): { text: string; images: number; opaqueBytes: number } {
  const base = textOf(m.content);
  if (m.role === 'assistant' && m.toolCalls) {
    for (const call of m.toolCalls) base.text += call.name + call.arguments;
  }
  return base;
}

/** Counts bytes and a typical token guess in one pass (ASCII ≈ 4 chars/token, other ≈ 1 char/token). */
function measure(text: string): { bytes: number; typical: number } {
  let ascii = 0;
  let other = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      ascii++;
      bytes++;
    } else {
      other++;
      bytes += c < 0x800 ? 2 : 3; // surrogate halves count 3 each: an over-count, fine for a bound
    }
  }
  return { bytes, typical: Math.ceil(ascii / 4 + other) };
}

export function estimateInputTokens(req: ChatRequest): TokenEstimate {
  let upperBound = 0;
  let typical = 0;
  for (const m of req.messages) {
    const { text, images, opaqueBytes } = messageText(m);
    const size = measure(text);
    upperBound += size.bytes + opaqueBytes + PER_MESSAGE_OVERHEAD + images * IMAGE_ALLOWANCE;
    typical += size.typical + Math.ceil(opaqueBytes / 4) + 4 + images * 800;
  }
  if (req.tools) {
    const toolsSize = measure(JSON.stringify(req.tools));
    upperBound += toolsSize.bytes;
    typical += toolsSize.typical;
  }
  return { upperBound, typical };
}

export function estimateTextTokens(texts: readonly string[]): TokenEstimate {
  let upperBound = 0;
  let typical = 0;
  for (const t of texts) {
    const size = measure(t);
    upperBound += size.bytes + 1;
    typical += size.typical + 1;
  }
  return { upperBound, typical };
}
