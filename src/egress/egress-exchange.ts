/**
 * One outbound exchange over undici's `dispatch` handler API: the response head resolves a
 * promise, the body chunks go into a small queue read by a plain async iterator. No Node
 * Readable stream per response (undici's `request()` API builds one, with its events, state
 * and async-iterator machinery: ~15 µs per exchange here).
 *
 * Semantics are those of `request()`: a caller's cancel signal aborts the exchange (before or
 * after the head), the body is read once, a consumer that stops early (`return()`) aborts the
 * exchange (the connection is dropped, as undici does when a body is destroyed), and a slow
 * consumer pauses the socket once `HIGH_WATER_MARK` bytes are queued (backpressure).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { CancelSignal } from '../core/cancel.js';
import type { EgressResponse } from '../core/egress.js';
import { toEgressError } from './egress-errors.js';

/** Queued body bytes above which the upstream socket is paused until the consumer reads. */
const HIGH_WATER_MARK = 64 * 1024;
/** `dump()` reads at most this much of a body before it gives up and drops the connection. */
const DUMP_LIMIT = 128 * 1024;
const UTF8_BOM = 0xfeff;

type Controller = Dispatcher.DispatchController;

interface Waiter {
  resolve(result: IteratorResult<Uint8Array>): void;
  reject(err: unknown): void;
}

export interface ExchangeOptions {
  host: string;
  signal: CancelSignal | undefined;
}

export class Exchange implements Dispatcher.DispatchHandler {
  /** Resolves with the response once its head arrived; rejects with a HubError. */
  readonly head: Promise<EgressResponse>;
  private resolveHead!: (res: EgressResponse) => void;
  private rejectHead!: (err: unknown) => void;
  private controller: Controller | undefined;
  private headDone = false;
  private ended = false;
  private failure: unknown;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private waiter: Waiter | undefined;
  private discarding = false;
  /** The caller left the body early (`return()`): later reads see its end, as with a generator. */
  private abandoned = false;
  private discarded = 0;
  private readonly onAbort = (): void => this.abort(this.opts.signal?.reason);

  constructor(private readonly opts: ExchangeOptions) {
    this.head = new Promise<EgressResponse>((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.failure !== undefined) controller.abort(asError(this.failure));
    else if (this.opts.signal?.aborted) this.abort(this.opts.signal.reason);
  }

  onResponseStart(_controller: Controller, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx informational heads are not the response.
    if (statusCode < 200) return;
    this.headDone = true;
    this.resolveHead(this.response(statusCode, headers));
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.discarding) {
      this.discarded += chunk.length;
      if (this.discarded > DUMP_LIMIT) this.abort(new Error('body discarded'));
      return;
    }
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve({ done: false, value: chunk });
      return;
    }
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued > HIGH_WATER_MARK && !controller.paused) controller.pause();
  }

  onResponseEnd(): void {
    this.ended = true;
    this.release();
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve({ done: true, value: undefined });
  }

  onResponseError(_controller: Controller, error: Error): void {
    this.fail(error);
  }

  /** Ends the exchange with an error (undici's, an abort, or a dispatch that threw). */
  fail(error: unknown): void {
    if (this.ended || this.failure !== undefined) return;
    this.failure = error;
    this.release();
    if (!this.headDone) {
      this.rejectHead(toEgressError(error, this.opts.host, this.opts.signal, 'request'));
      return;
    }
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(toEgressError(error, this.opts.host, this.opts.signal, 'body'));
  }

  /** Aborts the exchange (cancel signal, early return, dump limit). */
  private abort(reason: unknown): void {
    if (this.ended || this.failure !== undefined) return;
    const error = asError(reason);
    // Before undici started the request there is no controller: fail now, and
    // onRequestStart aborts the dispatch when it comes.
    if (this.controller) this.controller.abort(error);
    this.fail(error);
  }

  private release(): void {
    this.opts.signal?.removeEventListener('abort', this.onAbort);
  }

  private next(): Promise<IteratorResult<Uint8Array>> {
    if (this.abandoned) return Promise.resolve({ done: true, value: undefined });
    const chunk = this.queue.shift();
    if (chunk !== undefined) {
      this.queued -= chunk.length;
      if (this.controller?.paused && this.queued <= HIGH_WATER_MARK / 2) this.controller.resume();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.failure !== undefined) return Promise.reject(toEgressError(this.failure, this.opts.host, this.opts.signal, 'body'));
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private response(status: number, headers: IncomingHttpHeaders): EgressResponse {
    const body: AsyncIterableIterator<Uint8Array> = {
      next: () => this.next(),
      return: async (): Promise<IteratorResult<Uint8Array>> => {
        this.abandoned = true;
        this.queue.length = 0;
        this.queued = 0;
        this.abort(new Error('body abandoned by the caller'));
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => body,
    };
    return {
      status,
      headers: inboundHeaders(headers),
      body,
      text: async () => {
        // Whole body, then one decode (no streaming decoder per response); a leading byte
        // order mark is dropped, as TextDecoder does.
        const parts: Buffer[] = [];
        for (;;) {
          const r = await this.next();
          if (r.done) break;
          parts.push(r.value as Buffer);
        }
        const out = (parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)).toString('utf8');
        return out.charCodeAt(0) === UTF8_BOM ? out.slice(1) : out;
      },
      dump: async () => {
        // Reads the rest without keeping it, so the connection can be reused; a long body is
        // cut (the connection dropped) instead. Nothing for the caller to do either way.
        this.queue.length = 0;
        this.queued = 0;
        if (this.ended || this.failure !== undefined) return;
        this.discarding = true;
        if (this.controller?.paused) this.controller.resume();
        await this.next().catch(() => undefined);
      },
    };
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error('aborted', { cause: reason });
}

/** Response headers with lowercase names and multi-values joined; undici's own object when it already is that. */
function inboundHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  let plain = true;
  for (const name in headers) {
    if (typeof headers[name] !== 'string' || name !== name.toLowerCase()) {
      plain = false;
      break;
    }
  }
  if (plain) return headers as Record<string, string>;
  const out: Record<string, string | undefined> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
