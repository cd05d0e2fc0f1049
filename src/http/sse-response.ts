/**
 * Writing an SSE response on the raw Node response, with backpressure: a slow client slows
 * the read from the upstream instead of growing a buffer without bound.
 *
 * Frames produced in the same tick (typically every event parsed from one upstream read) are
 * joined and written once, in a `process.nextTick` after the producer's microtasks ran; the
 * response headers go out with the first frame (no separate header flush).
 */
import type { ServerResponse } from 'node:http';

export function startSse(res: ServerResponse, headers: Record<string, string>): SseWriter {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...headers,
  });
  return new SseWriter(res);
}

export class SseWriter {
  private pending = '';
  private scheduled = false;
  private wrote = false;
  /** Set while the socket buffer is over its high-water mark; resolves on drain or close. */
  private drain: Promise<void> | undefined;
  private readonly flushTick = (): void => this.flush();

  constructor(private readonly res: ServerResponse) {
    // The first flush sends the headers even if the first tick produced no frame.
    this.schedule();
  }

  /**
   * Queues a frame for this tick's write. Returns a promise while the client is not keeping up:
   * the caller awaits it before producing more, so at most one tick of frames is buffered here.
   */
  write(frame: string): Promise<void> | undefined {
    if (frame === '' || this.res.destroyed) return this.drain;
    this.pending += frame;
    this.schedule();
    return this.drain;
  }

  /** Writes what is queued (with `last`, if any) and ends the response. */
  end(last = ''): void {
    const data = this.pending + last;
    this.pending = '';
    if (this.res.destroyed) return;
    if (data === '') this.res.end();
    else this.res.end(data);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(this.flushTick);
  }

  private flush(): void {
    this.scheduled = false;
    if (this.res.destroyed || this.res.writableEnded) return;
    const data = this.pending;
    this.pending = '';
    if (data === '') {
      if (!this.wrote) this.res.flushHeaders();
      this.wrote = true;
      return;
    }
    this.wrote = true;
    if (!this.res.write(data) && this.drain === undefined) {
      this.drain = waitForDrain(this.res).then(() => {
        this.drain = undefined;
      });
    }
  }
}

function waitForDrain(res: ServerResponse): Promise<void> {
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
