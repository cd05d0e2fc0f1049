/**
 * The fast shape checks must never accept what the zod schemas reject, and what they accept
 * must read the same as the schema's output (every field the stream and response parsers read).
 */
import { describe, expect, it } from 'vitest';
import { plainChunk, plainCompletion } from '../../src/providers/shared/openai-compatible-fast-shape.js';
import { chunkSchema, normaliseUsage, parseChatResponse } from '../../src/providers/shared/openai-compatible-response.js';
import type { OpenAiCompatibleSpec } from '../../src/providers/shared/openai-compatible-spec.js';
import { mulberry32 } from '../../src/lib/prng.js';

const spec = { kind: 'openai-compatible', capabilities: {} } as unknown as OpenAiCompatibleSpec;

/** Values of every JSON type, including the wrong ones for each field. */
function anyValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * 9);
  switch (pick) {
    case 0: return undefined;
    case 1: return null;
    case 2: return 'text';
    case 3: return 42;
    case 4: return true;
    case 5: return depth < 2 ? [anyValue(r, depth + 1)] : [];
    case 6: return depth < 2 ? { text: anyValue(r, depth + 1) } : {};
    case 7: return '';
    default: return 0;
  }
}

function maybe(r: () => number, good: () => unknown): unknown {
  return r() < 0.8 ? good() : anyValue(r);
}

function usage(r: () => number): unknown {
  if (r() < 0.4) return r() < 0.5 ? null : undefined;
  return {
    prompt_tokens: maybe(r, () => Math.floor(r() * 100)),
    completion_tokens: maybe(r, () => Math.floor(r() * 100)),
    total_tokens: maybe(r, () => 7),
    prompt_tokens_details: maybe(r, () => (r() < 0.5 ? null : { cached_tokens: maybe(r, () => 3) })),
    completion_tokens_details: maybe(r, () => ({ reasoning_tokens: maybe(r, () => 2) })),
    prompt_cache_hit_tokens: maybe(r, () => (r() < 0.5 ? undefined : 1)),
    extra: anyValue(r),
  };
}

function header(r: () => number): Record<string, unknown> {
  return {
    id: maybe(r, () => 'chatcmpl-1'),
    model: maybe(r, () => 'm'),
    created: maybe(r, () => 1700000000),
    usage: maybe(r, () => usage(r)),
    system_fingerprint: anyValue(r),
  };
}

function chunk(r: () => number): unknown {
  const choice = (): unknown => ({
    index: 0,
    delta: maybe(r, () => ({ content: maybe(r, () => 'hi'), reasoning_content: maybe(r, () => (r() < 0.5 ? null : 'why')), role: 'assistant' })),
    finish_reason: maybe(r, () => (r() < 0.5 ? null : 'stop')),
    usage: maybe(r, () => (r() < 0.7 ? undefined : usage(r))),
  });
  return { ...header(r), choices: maybe(r, () => (r() < 0.2 ? [] : [choice()])) };
}

function completion(r: () => number): unknown {
  const choice = (): unknown => ({
    index: 0,
    message: maybe(r, () => ({ role: 'assistant', content: maybe(r, () => 'hi'), reasoning_content: maybe(r, () => null) })),
    finish_reason: maybe(r, () => 'length'),
  });
  return { ...header(r), choices: maybe(r, () => [choice()]) };
}

/** What the stream parser reads of a chunk. */
function chunkView(c: ReturnType<typeof chunkSchema.parse>): unknown {
  const choice = c.choices?.[0];
  return {
    id: c.id, model: c.model, created: c.created,
    usage: normaliseUsage(c.usage ?? choice?.usage, spec),
    content: choice?.delta?.content, reasoning: choice?.delta?.reasoning_content,
    tools: choice?.delta?.tool_calls, finish: choice?.finish_reason,
  };
}

describe('fast shape checks agree with the schemas', () => {
  it('stream chunks: accepted only when the schema accepts, read the same', () => {
    const r = mulberry32(7);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const json = chunk(r);
      const fast = plainChunk(json);
      const slow = chunkSchema.safeParse(json);
      if (!fast) continue;
      accepted++;
      expect(slow.success, JSON.stringify(json)).toBe(true);
      if (slow.success) expect(chunkView(fast)).toEqual(chunkView(slow.data));
    }
    expect(accepted).toBeGreaterThan(1_000);
  });

  it('completions: parseChatResponse gives the same answer with and without the fast path', () => {
    const r = mulberry32(11);
    let accepted = 0;
    const ctx = { spec, model: 'target', requestId: 'req_1' };
    for (let i = 0; i < 20_000; i++) {
      const json = completion(r);
      if (!plainCompletion(json)) continue;
      accepted++;
      // The schema alone: the same object after a JSON round trip with an extra tool_calls: []
      // that the fast path declines, so parseChatResponse takes the zod path for it.
      const viaSchema = JSON.parse(JSON.stringify(json)) as { choices: { message: Record<string, unknown> }[] };
      for (const c of viaSchema.choices) c.message.tool_calls = [];
      expect(plainCompletion(viaSchema)).toBeUndefined();
      const run = (x: unknown): unknown => {
        try {
          return { ...parseChatResponse(x, ctx), created: 0 };
        } catch (err) {
          return (err as Error).message;
        }
      };
      expect(run(json)).toEqual(run(viaSchema));
    }
    expect(accepted).toBeGreaterThan(1_000);
  });

  it('declines what the schema must judge', () => {
    expect(plainChunk({ choices: [{ delta: { tool_calls: [{ index: 0 }] } }] })).toBeUndefined();
    expect(plainChunk({ choices: [{ delta: { content: [{ type: 'text', text: 'a' }] } }] })).toBeUndefined();
    expect(plainChunk({ choices: 'x' })).toBeUndefined();
    expect(plainChunk({ usage: { prompt_tokens: '3' } })).toBeUndefined();
    expect(plainCompletion({ choices: [{ message: { content: 'a', tool_calls: [] } }] })).toBeUndefined();
    expect(plainCompletion({ choices: [{}] })).toBeUndefined();
  });
});
