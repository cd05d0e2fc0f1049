/**
 * Simulator-only token helpers: truncation and per-token pieces for streaming. Counting lives
 * in src/lib/token-count.ts.
 */
import { boundedPieces, tokenizer } from '../../lib/token-count.js';

export { promptTokens, textTokens } from '../../lib/token-count.js';

/** The text cut to at most `max` tokens, never ending inside a multi-byte character. */
export function truncateToTokens(text: string, max: number): string {
  const { encode, decodeGenerator } = tokenizer();
  const tokens = encode(text);
  if (tokens.length <= max) return text;
  return [...decodeGenerator(tokens.slice(0, max))].join('').replace(/\uFFFD+$/, '');
}

/** The text split into one piece per token, for streaming. */
export function splitIntoTokenPieces(text: string): string[] {
  if (text === '') return [];
  const { encode, decodeGenerator } = tokenizer();
  return [...decodeGenerator(encode(text))].filter((piece) => piece !== '');
}

/** Token ids of (possibly untrusted) text, with the same bound on long runs as `textTokens`. */
export function tokenIds(text: string): number[] {
  const { encode } = tokenizer();
  return boundedPieces(text).flatMap((piece) => encode(piece));
}
