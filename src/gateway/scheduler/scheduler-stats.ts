/** Small deterministic statistics and hashing helpers for the scheduler. */

/** FNV-1a 32-bit hash of a string (UTF-16 code units), as an unsigned integer. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (murmur3 fmix32) so that close keys spread over the whole range.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable point in [0, 1) for a key: the sticky bucket of gray-release assignment. */
export function stableUnit(key: string): number {
  return fnv1a32(key) / 4294967296;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X ≥ k) for X ~ Binomial(n, p): the exact one-sided binomial test's p-value. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lnP = Math.log(p);
  const lnQ = Math.log1p(-p);
  const lnNf = logGamma(n + 1);
  let sum = 0;
  for (let i = k; i <= n; i++) {
    const term = Math.exp(lnNf - logGamma(i + 1) - logGamma(n - i + 1) + i * lnP + (n - i) * lnQ);
    sum += term;
    if (i > n * p && term < sum * 1e-12) break;
  }
  return Math.min(1, sum);
}

/** Exponential decay factor for `elapsedMs` with time constant `tauMs`. */
export function decay(elapsedMs: number, tauMs: number): number {
  return elapsedMs <= 0 ? 1 : Math.exp(-elapsedMs / tauMs);
}
