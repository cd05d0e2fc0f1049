import { describe, expect, it } from 'vitest';
import { parseSseBatches, type SseEvent } from '../../src/providers/shared/sse-parser.js';

async function* chunksOf(parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

async function batches(parts: string[]): Promise<SseEvent[][]> {
  const out: SseEvent[][] = [];
  for await (const b of parseSseBatches(chunksOf(parts))) out.push(b);
  return out;
}

describe('parseSseBatches', () => {
  it('gives the events completed by each chunk together, and no empty batch', async () => {
    const got = await batches(['data: a\n\ndata: b\n\ndata: c', '\n', '\n: ping\n\n', 'event: e\ndata: d\n\ndata: [DONE]']);
    expect(got).toEqual([
      [{ data: 'a' }, { data: 'b' }],
      [{ data: 'c' }],
      [{ event: 'e', data: 'd' }],
      [{ data: '[DONE]' }],
    ]);
  });

  it('a body that is one chunk is one batch', async () => {
    const body = Array.from({ length: 22 }, (_, i) => `data: {"i":${i}}\n\n`).join('');
    const got = await batches([body]);
    expect(got).toHaveLength(1);
    expect(got[0]?.map((e) => JSON.parse(e.data).i)).toEqual(Array.from({ length: 22 }, (_, i) => i));
  });
});
