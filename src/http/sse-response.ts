/**
 * Writing an SSE response on the raw Node response, with backpressure: a slow client slows
 * the read from the upstream instead of growing a buffer without bound.
 */
import type { ServerResponse } from 'node:http';

export function startSse(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...headers,
  });
  res.flushHeaders();
}

/** Writes a frame; resolves once the socket can take more. */
export function writeFrame(res: ServerResponse, frame: string): Promise<void> | undefined {
  if (frame === '' || res.destroyed) return undefined;
  if (res.write(frame)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
