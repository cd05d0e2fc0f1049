/**
 * Fast fake OpenAI-compatible upstream for the performance benchmark.
 *
 * `POST …/chat/completions` answers from precomputed buffers:
 * - non-stream: one `chat.completion` JSON with `usage`;
 * - stream (`"stream": true` in the body): 20 content chunks, one usage chunk, `data: [DONE]`,
 *   written as one buffer so the upstream costs almost nothing;
 * - slow stream (the body mentions `bench-slow`, e.g. as the model): one chunk every
 *   `SLOW_TICK_MS` for `SLOW_CHUNKS` ticks, driven by a single shared timer.
 * `GET /healthz` answers 200. Listens on 127.0.0.1 only; prints `READY <port>` when listening.
 *
 * Run: `node --import tsx bench/perf/upstream.ts [port]` (port 0 = pick a free one).
 */
import http from 'node:http';

export const STREAM_CONTENT_CHUNKS = 20;
export const SLOW_TICK_MS = 100;
/** 40 s per slow stream: longer than it can take to open 1,000 of them on a busy machine (≤ 30 s). */
export const SLOW_CHUNKS = Number(process.env.BENCH_SLOW_CHUNKS ?? 400);
export const USAGE = { prompt_tokens: 25, completion_tokens: 20, total_tokens: 45 };

const CREATED = 1_700_000_000;
const ID = 'chatcmpl-bench000000000000000000000';

export const nonStreamBody: Buffer = Buffer.from(
  JSON.stringify({
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: 'bench-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'The quick brown fox jumps over the lazy dog, twice.' },
        finish_reason: 'stop',
      },
    ],
    usage: USAGE,
  }),
);

function sseEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

function chunk(delta: Record<string, unknown>, finish: string | null): unknown {
  return {
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: 'bench-model',
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

/** The 20 content events (first one carries the role), as SSE text. */
function contentEvents(): string[] {
  const out: string[] = [];
  for (let i = 0; i < STREAM_CONTENT_CHUNKS; i++) {
    const delta: Record<string, unknown> = { content: `tok${i} ` };
    if (i === 0) delta.role = 'assistant';
    const finish = i === STREAM_CONTENT_CHUNKS - 1 ? 'stop' : null;
    out.push(sseEvent(chunk(delta, finish)));
  }
  return out;
}

const usageEvent = sseEvent({
  id: ID,
  object: 'chat.completion.chunk',
  created: CREATED,
  model: 'bench-model',
  choices: [],
  usage: USAGE,
});
const doneEvent = 'data: [DONE]\n\n';

export const streamBody: Buffer = Buffer.from(contentEvents().join('') + usageEvent + doneEvent);
const slowEvents: Buffer[] = buildSlowEvents();

function buildSlowEvents(): Buffer[] {
  const events: Buffer[] = [];
  for (let i = 0; i < SLOW_CHUNKS; i++) {
    const finish = i === SLOW_CHUNKS - 1 ? 'stop' : null;
    events.push(Buffer.from(sseEvent(chunk(i === 0 ? { role: 'assistant', content: 'x' } : { content: 'x' }, finish))));
  }
  events.push(Buffer.from(usageEvent + doneEvent));
  return events;
}

const jsonHeaders = {
  'content-type': 'application/json',
  'content-length': String(nonStreamBody.length),
};
const sseHeaders = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const STREAM_RE = /"stream"\s*:\s*true/;

interface SlowStream {
  res: http.ServerResponse;
  next: number;
}
const slow = new Set<SlowStream>();
let slowTimer: NodeJS.Timeout | undefined;

function tickSlow(): void {
  for (const s of slow) {
    const ev = slowEvents[s.next++];
    if (ev === undefined || s.res.destroyed) {
      slow.delete(s);
      continue;
    }
    if (s.next === slowEvents.length) {
      s.res.end(ev);
      slow.delete(s);
    } else {
      s.res.write(ev);
    }
  }
  if (slow.size === 0 && slowTimer) {
    clearInterval(slowTimer);
    slowTimer = undefined;
  }
}

function startSlow(res: http.ServerResponse): void {
  res.writeHead(200, sseHeaders);
  const s: SlowStream = { res, next: 0 };
  res.write(slowEvents[s.next++]);
  slow.add(s);
  res.on('close', () => slow.delete(s));
  slowTimer ??= setInterval(tickSlow, SLOW_TICK_MS);
}

function answer(body: string, res: http.ServerResponse): void {
  if (!STREAM_RE.test(body)) {
    res.writeHead(200, jsonHeaders);
    res.end(nonStreamBody);
  } else if (body.includes('bench-slow')) {
    startSlow(res);
  } else {
    res.writeHead(200, sseHeaders);
    res.end(streamBody);
  }
}

export function createUpstream(): http.Server {
  return http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (!req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"bench upstream: only /v1/chat/completions"}}');
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => answer(body, res));
  });
}

function main(): void {
  const server = createUpstream();
  server.maxConnections = 10_000;
  server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
    const addr = server.address();
    process.stdout.write(`READY ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

main();
