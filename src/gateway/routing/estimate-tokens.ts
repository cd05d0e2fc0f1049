/**
 * Cheap token estimates for admission — no tokenizer pass on the request path.
 *
 * `upperBound` is a true upper bound for byte-level BPE tokenizers (a token is at least one
 * UTF-8 byte) plus per-message framing and a fixed allowance per image; budgets reserve with
 * it, so a reservation is never smaller than the real prompt. `typical` is a closer guess used
 * for context-window filtering and TPM admission.
 */
import type { ChatRequest, ContentPart } from '../../core/chat.js';

const PER_MESSAGE_OVERHEAD = 8;
/** High-detail image at the largest common tiling (OpenAI ≈ 1,105; Claude ≤ ~1,600). */
const IMAGE_ALLOWANCE = 1_600;

export interface TokenEstimate {
  upperBound: number;
  typical: number;
}

/** Running size of some text: UTF-8 bytes, ASCII and other UTF-16 code units. */
interface TextSize {
  bytes: number;
  ascii: number;
  other: number;
}

/** Adds `text` to `size` (additive: a message's parts are counted one by one, never joined). */
function scan(text: string, size: TextSize): void {
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
  size.bytes += bytes;
  size.ascii += ascii;
  size.other += other;
}

/** Typical token guess for a measured text: ASCII ≈ 4 chars/token, other ≈ 1 char/token. */
function typicalTokens(size: TextSize): number {
  return Math.ceil(size.ascii / 4 + size.other);
}

export function estimateInputTokens(req: ChatRequest): TokenEstimate {
  let upperBound = 0;
  let typical = 0;
  const size: TextSize = { bytes: 0, ascii: 0, other: 0 };
  for (const m of req.messages) {
    size.bytes = 0;
    size.ascii = 0;
    size.other = 0;
    let images = 0;
    let opaqueBytes = 0;
    const content: string | ContentPart[] | null = m.content;
    if (typeof content === 'string') scan(content, size);
    else if (content !== null) {
      for (const part of content) {
        if (part.type === 'text') scan(part.text, size);
        else if (part.type === 'image') images++;
        else opaqueBytes += JSON.stringify(part.value).length;
      }
    }
    if (m.role === 'assistant' && m.toolCalls) {
      for (const call of m.toolCalls) {
        scan(call.name, size);
        scan(call.arguments, size);
      }
    }
    upperBound += size.bytes + opaqueBytes + PER_MESSAGE_OVERHEAD + images * IMAGE_ALLOWANCE;
    typical += typicalTokens(size) + Math.ceil(opaqueBytes / 4) + 4 + images * 800;
  }
  if (req.tools) {
    size.bytes = 0;
    size.ascii = 0;
    size.other = 0;
    scan(JSON.stringify(req.tools), size);
    upperBound += size.bytes;
    typical += typicalTokens(size);
  }
  return { upperBound, typical };
}

export function estimateTextTokens(texts: readonly string[]): TokenEstimate {
  let upperBound = 0;
  let typical = 0;
  const size: TextSize = { bytes: 0, ascii: 0, other: 0 };
  for (const t of texts) {
    size.bytes = 0;
    size.ascii = 0;
    size.other = 0;
    scan(t, size);
    upperBound += size.bytes + 1;
    typical += typicalTokens(size) + 1;
  }
  return { upperBound, typical };
}
