/** Seeded randomness of the simulation: mulberry32 for the trace, a counter-based hash for draws. */

import { mulberry32 } from '../../src/lib/prng.js';
export { mulberry32 };

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function combine(h: number, x: number): number {
  return fmix((h ^ Math.imul(x >>> 0, 0xcc9e2d51)) + 0x9e3779b9);
}

/**
 * Common random numbers: u = H(seed, requestId, attempt, deployment, salt) in (0, 1). The same
 * attempt on the same deployment draws the same number under every strategy.
 */
export function crn(seed: number, requestId: number, attempt: number, deploymentHash: number, salt: number): number {
  let h = combine(0x12345678, seed);
  h = combine(h, requestId);
  h = combine(h, attempt);
  h = combine(h, deploymentHash);
  h = combine(h, salt);
  return (h + 0.5) / 4294967296;
}

/** Hash of a name (deployment id, strategy name) to 32 bits. */
export function nameHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix(h);
}

/** Standard normal from two uniforms in (0, 1) (Box–Muller). */
export function normal(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
