/**
 * Deterministic unit vectors: the sum of one pseudo-random vector per token (seeded by model
 * and token id), normalised. Texts that share tokens get a higher cosine similarity, so
 * semantic-search demos behave plausibly.
 */
import { createRng, seedOf } from './simulator-random.js';
import { tokenIds } from './simulator-tokens.js';

export function embedText(model: string, text: string, dimensions: number): number[] {
  const vector = new Float64Array(dimensions);
  const ids = tokenIds(text);
  const seeds = ids.length > 0 ? ids.map((id) => seedOf(`${model}\n${id}`)) : [seedOf(`${model}\n${text}`)];
  for (const seed of seeds) {
    const rng = createRng(seed);
    for (let d = 0; d < dimensions; d++) vector[d] = (vector[d] as number) + (rng.next() * 2 - 1);
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  return Array.from(vector, (v) => v / norm);
}
