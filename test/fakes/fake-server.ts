/**
 * The vendor-neutral engine of the fakes: an http server on 127.0.0.1 with a behaviour queue,
 * request log and meter, and the interpreter that applies faults (resets, stalls, malformed
 * frames, mid-stream errors) to the response a vendor module plans.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FakeBehaviour, FakeMeter, FakeUpstream, OkBehaviour, ReceivedRequest } from './fake-types.js';
import { countTokens } from './fake-content.js';

/** One SSE frame (already formatted, ending in a blank line) and the model output it carries. */
export interface StreamFrame {
  text: string;
  output?: string;
}

/** What a vendor module wants to send for an ok answer. */
export interface ResponsePlan {
  headers: Record<string, string>;
  /** Non-stream: the JSON body (may carry a prefix such as DeepSeek's blank lines). */
  body?: string;
  /** Stream: the frames, in order. */
  frames?: StreamFrame[];
  /** Written before the first frame and between frames (DeepSeek `: keep-alive`). */
  comment?: string;
  /** The vendor's mid-stream error frame. */
  errorFrame?: string;
  /** A frame whose data is not JSON. */
  malformedFrame?: string;
  /** Pause between stream frames. */
  chunkDelayMs?: number;
  /** Full billing when the answer completes. */
  bill: { input: number; output: number; cached: number; cacheWrite: number };
}

/** Per-request context handed to vendor routing. */
export interface FakeExchange {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  query: Record<string, string>;
  body: unknown;
  record: ReceivedRequest;
  /** True once the client went away. */
  readonly closed: boolean;
}

export interface VendorResponder {
  /** Plans an ok answer. */
  plan(ok: OkBehaviour, ex: FakeExchange): ResponsePlan;
  /** Vendor error response for a status (status behaviour without body, non-stream midstream-error). */
  errorJson(status: number, message?: string): Record<string, unknown>;
  /** Status used for a non-stream `midstream-error`. */
  midstreamErrorStatus: number;
  /** Whether this exchange asked for a stream. */
  isStream(ex: FakeExchange): boolean;
}

export const OK: OkBehaviour = { kind: 'ok' };

export function sleep(ms: number, ex?: FakeExchange): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    ex?.res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function sendJson(ex: FakeExchange, status: number, json: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(json);
  ex.res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  ex.res.end(text);
}

/** Ends the connection abruptly: RST before headers, FIN (an incomplete body) after. */
async function cut(ex: FakeExchange): Promise<void> {
  const socket = ex.req.socket as Socket & { resetAndDestroy?: () => Socket };
  if (!ex.res.headersSent && socket.resetAndDestroy) {
    socket.resetAndDestroy();
    return;
  }
  await new Promise<void>((resolve) => ex.res.write('', () => resolve()));
  await sleep(5);
  socket.destroy();
}

export interface FakeServerOptions {
  responder: VendorResponder;
  /** Routes a request; returns false for "not found". Model calls must call `serveModelCall`. */
  route(ex: FakeExchange, server: FakeServer): Promise<boolean>;
  /** Path appended to the origin for `url` (e.g. `/v1`). */
  urlSuffix: string;
  notFound(ex: FakeExchange): void;
}

function emptyMeter(): FakeMeter {
  return { requests: 0, billedRequests: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 };
}

export class FakeServer implements FakeUpstream {
  readonly requests: ReceivedRequest[] = [];
  readonly meter: FakeMeter = emptyMeter();
  private queue: FakeBehaviour[] = [];
  private fallback: FakeBehaviour = OK;
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((req, res) => void this.handle(req, res));
  origin = '';
  url = '';
  port = 0;

  constructor(private readonly options: FakeServerOptions) {
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('fake upstream: no address');
    this.port = addr.port;
    this.origin = `http://127.0.0.1:${addr.port}`;
    this.url = this.origin + this.options.urlSuffix;
    return this;
  }

  program(...behaviours: FakeBehaviour[]): void {
    this.queue.push(...behaviours);
  }

  setDefault(behaviour: FakeBehaviour): void {
    this.fallback = behaviour;
  }

  get pending(): number {
    return this.queue.length;
  }

  get defaultBehaviour(): FakeBehaviour {
    return this.fallback;
  }

  reset(): void {
    this.queue = [];
    this.fallback = OK;
    this.requests.length = 0;
    Object.assign(this.meter, emptyMeter());
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  bill(input: number, output: number, cached = 0, cacheWrite = 0): void {
    this.meter.billedRequests += 1;
    this.meter.inputTokens += input;
    this.meter.outputTokens += output;
    this.meter.cachedInputTokens += cached;
    this.meter.cacheWriteTokens += cacheWrite;
  }

  /** Takes the next behaviour for a model call and serves it. */
  async serveModelCall(ex: FakeExchange, responder: VendorResponder = this.options.responder): Promise<void> {
    const b = this.queue.shift() ?? this.fallback;
    ex.record.behaviour = b.kind;
    await this.serve(b, ex, responder);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.meter.requests += 1;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const u = new URL(req.url ?? '/', 'http://fake');
    const record: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers: { ...req.headers },
      body,
      behaviour: 'ok',
    };
    this.requests.push(record);
    let closed = false;
    res.once('close', () => {
      if (!res.writableFinished) closed = true;
    });
    const ex: FakeExchange = {
      req, res, path: u.pathname, query: record.query, body, record,
      get closed() { return closed; },
    };
    try {
      if (!(await this.options.route(ex, this))) this.options.notFound(ex);
    } catch (err) {
      if (!res.headersSent) sendJson(ex, 500, { error: { message: `fake upstream bug: ${String(err)}`, type: 'fake_error' } });
      else res.destroy();
    }
  }

  private async serve(b: FakeBehaviour, ex: FakeExchange, r: VendorResponder): Promise<void> {
    switch (b.kind) {
      case 'delay':
      case 'stall-before-headers':
        await sleep(b.ms, ex);
        if (ex.closed) return;
        return this.serve(b.kind === 'delay' ? b.then : (b.then ?? this.fallback), ex, r);
      case 'status':
        return this.serveStatus(b.status, b.body, b.headers ?? {}, ex, r);
      case 'reset-before-headers':
        return cut(ex);
      case 'ok':
        if (b.delayMs) {
          await sleep(b.delayMs, ex);
          if (ex.closed) return;
        }
        return this.serveOk(r.plan(b, ex), ex, r.isStream(ex), {});
      case 'reset-after-chunks':
        return this.serveOk(r.plan(b.ok ?? OK, ex), ex, r.isStream(ex), { resetAfter: b.chunks });
      case 'stall-mid-stream':
        return this.serveOk(r.plan(b.ok ?? OK, ex), ex, r.isStream(ex), { stallAfter: b.afterChunks, stallMs: b.ms });
      case 'malformed-json':
        return this.serveOk(r.plan(b.ok ?? OK, ex), ex, r.isStream(ex), { malformedAfter: b.afterChunks ?? 1 });
      case 'midstream-error':
        if (!r.isStream(ex)) return sendJson(ex, r.midstreamErrorStatus, r.errorJson(r.midstreamErrorStatus));
        return this.serveOk(r.plan(b.ok ?? OK, ex), ex, true, { errorAfter: b.afterChunks });
    }
  }

  private serveStatus(
    status: number,
    body: string | Record<string, unknown> | undefined,
    headers: Record<string, string>,
    ex: FakeExchange,
    r: VendorResponder,
  ): void {
    if (typeof body === 'string') {
      const type = body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8';
      ex.res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...headers });
      ex.res.end(body);
      return;
    }
    sendJson(ex, status, body ?? r.errorJson(status), headers);
  }

  private async serveOk(plan: ResponsePlan, ex: FakeExchange, stream: boolean, fault: Fault): Promise<void> {
    if (!stream) return this.serveBody(plan, ex, fault);
    ex.res.writeHead(200, plan.headers);
    ex.res.flushHeaders();
    const frames = plan.frames ?? [];
    let sent = '';
    let framesSent = 0;
    const billPartial = (): void => {
      if (framesSent > 0) this.bill(plan.bill.input, countTokens(sent), plan.bill.cached, plan.bill.cacheWrite);
    };
    for (const frame of frames) {
      if (ex.closed) return billPartial();
      if (fault.resetAfter === framesSent) {
        billPartial();
        return cut(ex);
      }
      if (fault.errorAfter === framesSent) {
        billPartial();
        ex.res.end(plan.errorFrame ?? '');
        return;
      }
      if (fault.malformedAfter === framesSent) {
        billPartial();
        ex.res.end(plan.malformedFrame ?? 'data: {not json\n\n');
        return;
      }
      if (fault.stallAfter === framesSent && fault.stallMs) {
        await sleep(fault.stallMs, ex);
        if (ex.closed) return billPartial();
      }
      if (plan.comment && (framesSent === 0 || framesSent % 2 === 1)) ex.res.write(plan.comment);
      ex.res.write(frame.text);
      framesSent += 1;
      sent += frame.output ?? '';
      if (plan.chunkDelayMs) await sleep(plan.chunkDelayMs, ex);
    }
    if (fault.resetAfter !== undefined && fault.resetAfter >= framesSent) {
      this.bill(plan.bill.input, plan.bill.output, plan.bill.cached, plan.bill.cacheWrite);
      return cut(ex);
    }
    this.bill(plan.bill.input, plan.bill.output, plan.bill.cached, plan.bill.cacheWrite);
    ex.res.end();
  }

  private async serveBody(plan: ResponsePlan, ex: FakeExchange, fault: Fault): Promise<void> {
    const body = plan.body ?? '';
    const half = body.slice(0, Math.floor(body.length / 2));
    const { bill } = plan;
    if (fault.malformedAfter !== undefined) {
      ex.res.writeHead(200, { ...plan.headers, 'content-length': String(Buffer.byteLength(half)) });
      ex.res.end(half);
    } else if (fault.resetAfter !== undefined) {
      ex.res.writeHead(200, { ...plan.headers, 'content-length': String(Buffer.byteLength(body)) });
      ex.res.write(half);
      await cut(ex);
    } else if (fault.stallAfter !== undefined) {
      ex.res.writeHead(200, { ...plan.headers, 'content-length': String(Buffer.byteLength(body)) });
      ex.res.write(half);
      await sleep(fault.stallMs ?? 0, ex);
      if (ex.closed) return this.bill(bill.input, bill.output, bill.cached, bill.cacheWrite);
      ex.res.end(body.slice(half.length));
    } else {
      ex.res.writeHead(200, { ...plan.headers, 'content-length': String(Buffer.byteLength(body)) });
      ex.res.end(body);
    }
    this.bill(bill.input, bill.output, bill.cached, bill.cacheWrite);
  }
}

interface Fault {
  resetAfter?: number;
  errorAfter?: number;
  malformedAfter?: number;
  stallAfter?: number;
  stallMs?: number;
}
