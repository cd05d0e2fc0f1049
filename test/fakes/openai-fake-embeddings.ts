/**
 * Deterministic embeddings for the OpenAI fake: each vector comes from a hash of its input,
 * normalised to length 1. `dimensions` is honoured (default 1536), `encoding_format: base64` too.
 */
import { countTokens } from './fake-content.js';
import type { ResponsePlan } from './fake-server.js';
import type { OkBehaviour } from './fake-types.js';

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A unit vector derived from `text` (mulberry32 seeded by FNV-1a). */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  let seed = fnv1a(text);
  const out: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1);
  }
  const norm = Math.sqrt(out.reduce((s, v) => s + v * v, 0)) || 1;
  return out.map((v) => Math.fround(v / norm));
}

function inputsOf(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input)) {
    if (input.every((x) => typeof x === 'number')) return [input.join(' ')];
    return input.map((x) => (typeof x === 'string' ? x : Array.isArray(x) ? x.join(' ') : String(x)));
  }
  return [];
}

export function embeddingsResponse(ok: OkBehaviour, body: Record<string, unknown>, model: string): ResponsePlan {
  const inputs = inputsOf(body.input);
  const dims = typeof body.dimensions === 'number' && body.dimensions > 0 ? Math.floor(body.dimensions) : 1536;
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vec = fakeEmbedding(text, dims);
    const embedding = base64 ? Buffer.from(new Float32Array(vec).buffer).toString('base64') : vec;
    return { object: 'embedding', index, embedding };
  });
  const tokens = ok.promptTokens ?? inputs.reduce((s, t) => s + countTokens(t), 0);
  const json: Record<string, unknown> = { object: 'list', data, model };
  if (ok.usage !== 'none') {
    const n = ok.usage === 'zero' ? 0 : tokens;
    json.usage = { prompt_tokens: n, total_tokens: n };
  }
  return {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(json),
    bill: { input: tokens, output: 0, cached: 0, cacheWrite: 0 },
  };
}
