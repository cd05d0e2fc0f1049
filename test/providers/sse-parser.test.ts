import { describe, expect, it } from 'vitest';
import { drainSseTail, parseSse, type SseEvent } from '../../src/providers/shared/sse-parser.js';

async function* chunksOf(parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? new TextEncoder().encode(p) : p;
}

async function collect(parts: Array<string | Uint8Array>): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const ev of parseSse(chunksOf(parts))) out.push(ev);
  return out;
}

/** Splits bytes into pieces of `size` bytes (cuts UTF-8 sequences anywhere). */
function bytesIn(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

describe('parseSse', () => {
  it('parses OpenAI data-only frames and [DONE]', async () => {
    expect(await collect(['data: {"a":1}\n\n', 'data: {"a":2}\n\ndata: [DONE]\n\n'])).toEqual([
      { data: '{"a":1}' },
      { data: '{"a":2}' },
      { data: '[DONE]' },
    ]);
  });

  it('keeps event names (Anthropic) and resets them per event', async () => {
    expect(await collect(['event: message_start\ndata: {"x":1}\n\nevent: ping\ndata: {}\n\ndata: plain\n\n'])).toEqual([
      { event: 'message_start', data: '{"x":1}' },
      { event: 'ping', data: '{}' },
      { data: 'plain' },
    ]);
  });

  it('skips comments (`: keep-alive`) and extra blank lines', async () => {
    expect(await collect([': keep-alive\n\n\n\n: keep-alive\ndata: one\n\n\n: keep-alive\n\ndata: two\n\n'])).toEqual([{ data: 'one' }, { data: 'two' }]);
  });

  it('handles CRLF line ends, also split between chunks', async () => {
    expect(await collect(['data: one\r', '\n\r\n', 'event: e\r\ndata: two\r\n\r\n'])).toEqual([{ data: 'one' }, { event: 'e', data: 'two' }]);
  });

  it('joins multi-line data with \\n and accepts `data:` without a space', async () => {
    expect(await collect(['data: line 1\ndata:line 2\ndata\n\n'])).toEqual([{ data: 'line 1\nline 2\n' }]);
  });

  it('reassembles frames split at every byte, including inside UTF-8 sequences', async () => {
    const text = 'data: {"t":"你好，世界 🌏"}\n\ndata: {"t":"ü"}\n\n';
    for (const size of [1, 2, 3, 5]) {
      expect(await collect(bytesIn(text, size))).toEqual([{ data: '{"t":"你好，世界 🌏"}' }, { data: '{"t":"ü"}' }]);
    }
  });

  it('delivers a last event without its blank line, and a last line without its newline', async () => {
    expect(await collect(['data: one\n\ndata: two\n'])).toEqual([{ data: 'one' }, { data: 'two' }]);
    expect(await collect(['data: one\n\ndata: [DONE]'])).toEqual([{ data: 'one' }, { data: '[DONE]' }]);
    expect(await collect(['data: [DONE]\r'])).toEqual([{ data: '[DONE]' }]);
  });

  it('skips a UTF-8 byte order mark at the very start, also when it arrives split, and only there', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    const text = new TextEncoder().encode('data: one\n\n');
    const whole = new Uint8Array([...bom, ...text]);
    expect(await collect([whole])).toEqual([{ data: 'one' }]);
    for (const size of [1, 2]) {
      const pieces: Uint8Array[] = [];
      for (let i = 0; i < whole.length; i += size) pieces.push(whole.slice(i, i + size));
      expect(await collect(pieces)).toEqual([{ data: 'one' }]);
    }
    // Later in the stream it is an ordinary character: the line's field is then "\uFEFFdata", unknown.
    expect(await collect(['data: a\n\n', new Uint8Array([...bom, ...new TextEncoder().encode('data: b\n\n')])])).toEqual([{ data: 'a' }]);
  });

  it('decodes invalid UTF-8 as U+FFFD and keeps lines split across many chunks intact', async () => {
    expect(await collect([new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xff, 0x0a, 0x0a])])).toEqual([{ data: '\uFFFD' }]);
    const long = `data: ${'x'.repeat(5000)}\n\n`;
    expect(await collect(bytesIn(long, 7))).toEqual([{ data: 'x'.repeat(5000) }]);
  });

  it('ignores unknown fields (id, retry) and yields nothing for an empty body', async () => {
    expect(await collect(['id: 7\nretry: 100\ndata: x\n\n'])).toEqual([{ data: 'x' }]);
    expect(await collect([])).toEqual([]);
    expect(await collect(['\n\n: only a comment\n'])).toEqual([]);
  });

  it('propagates an error of the body iterator', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('data: one\n\n');
      throw new Error('socket reset');
    }
    const seen: SseEvent[] = [];
    await expect(
      (async () => {
        for await (const ev of parseSse(broken())) seen.push(ev);
      })(),
    ).rejects.toThrow('socket reset');
    expect(seen).toEqual([{ data: 'one' }]);
  });

  it('drainSseTail reads a tail to its end, and gives up on a body that never ends', async () => {
    let tailRead = false;
    async function* finite(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('data: [DONE]\n\n');
      yield new TextEncoder().encode(': trailing comment\n\n');
      tailRead = true;
    }
    const events = parseSse(finite());
    expect((await events.next()).value).toEqual({ data: '[DONE]' });
    await drainSseTail(events);
    expect(tailRead).toBe(true);

    let release: () => void = () => undefined;
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('data: [DONE]\n\n');
      await new Promise<void>((resolve) => (release = resolve));
    }
    const stuck = parseSse(endless());
    await stuck.next();
    const started = Date.now();
    await drainSseTail(stuck, 50);
    expect(Date.now() - started).toBeLessThan(5_000); // returned on its own, long before any test timeout
    release();
  });
});
