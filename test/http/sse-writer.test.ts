/**
 * SseWriter on a real node:http server: frames of one tick go out in one write with the
 * headers, and a client that stops reading stops the producer (bounded buffering).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSse, type SseWriter } from '../../src/http/sse-response.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

function listen(handler: (res: ServerResponse) => Promise<void>): Promise<number> {
  server = createServer((_req, res) => void handler(res));
  return new Promise((resolve) => server?.listen(0, '127.0.0.1', () => resolve((server?.address() as AddressInfo).port)));
}

function rawGet(port: number): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  return socket;
}

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
      if (text.endsWith('0\r\n\r\n')) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
  });
}

describe('SseWriter', () => {
  it('joins the frames of one tick into one write that carries the headers', async () => {
    const writes: number[] = [];
    const port = await listen(async (res) => {
      await null; // like the chat route: the stream starts inside a microtask, after awaits
      const original = res.write.bind(res) as (chunk: string) => boolean;
      res.write = ((chunk: string) => {
        writes.push(chunk.length);
        return original(chunk);
      }) as typeof res.write;
      const sse = startSse(res, { 'x-test': '1' });
      for (let i = 0; i < 20; i++) await sse.write(`data: ${i}\n\n`);
      await new Promise((r) => setTimeout(r, 5));
      sse.write('data: late\n\n');
      await new Promise((r) => setTimeout(r, 5));
      sse.end('data: [DONE]\n\n');
    });
    const text = await readAll(rawGet(port));
    expect(writes).toHaveLength(2);
    expect(text).toContain('x-test: 1');
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    const frames = [...body.matchAll(/data: ([^\n]+)\n\n/g)].map((m) => m[1]);
    expect(frames).toEqual([...Array.from({ length: 20 }, (_, i) => String(i)), 'late', '[DONE]']);
  });

  it('stops the producer while the client does not read, and delivers everything once it does', async () => {
    const frame = `data: ${'x'.repeat(16 * 1024)}\n\n`;
    const total = 4000; // ~64 MB if nothing pushed back
    let produced = 0;
    let maxBuffered = 0;
    let writer: SseWriter | undefined;
    const port = await listen(async (res) => {
      writer = startSse(res, {});
      for (let i = 0; i < total; i++) {
        const wait = writer.write(frame);
        produced++;
        maxBuffered = Math.max(maxBuffered, res.writableLength);
        // One frame per tick, like an upstream delivering one event per read.
        await (wait ?? new Promise((r) => setImmediate(r)));
        if (res.destroyed) return;
      }
      writer.end();
    });
    const socket = rawGet(port);
    socket.pause();
    // Let the producer run into backpressure, bounded in time.
    for (let i = 0; i < 50 && produced < total; i++) await new Promise((r) => setTimeout(r, 10));
    const producedWhilePaused = produced;
    expect(producedWhilePaused).toBeLessThan(total / 4);
    let received = 0;
    socket.on('data', (d: Buffer) => {
      received += d.length;
    });
    socket.resume();
    for (let i = 0; i < 500 && produced < total; i++) await new Promise((r) => setTimeout(r, 10));
    socket.destroy();
    expect(produced).toBe(total);
    expect(received).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThan(8 * 1024 * 1024);
  });
});
