/**
 * The floor: the least work any Node.js gateway must do per request.
 *
 * node:http server + one undici Pool to the upstream. Per request: read and `JSON.parse` the
 * body, re-serialise it and forward it, pass the response through, and read `usage` from it
 * (non-stream: parse the JSON; stream: parse the last `usage` event from the stream's tail).
 * No auth, no limits, no scheduling, no ledger, no logs.
 *
 * Run: `node --import tsx bench/perf/floor-relay.ts <upstream base URL, e.g. http://127.0.0.1:9000>`
 * Prints `READY <port>` when listening on 127.0.0.1.
 */
import http from 'node:http';
import { Pool } from 'undici';

const upstream = process.argv[2];
if (!upstream) throw new Error('floor-relay: pass the upstream origin, e.g. http://127.0.0.1:9000');

const pool = new Pool(upstream, { connections: 2048, pipelining: 1, keepAliveTimeout: 60_000 });
/** Usage seen so far (kept only so the work cannot be optimised away). */
let totalTokens = 0;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** Finds the last `data: {…"usage"…}` event in an SSE tail and returns its total_tokens. */
function usageFromSseTail(tail: string): number {
  const at = tail.lastIndexOf('"usage"');
  if (at < 0) return 0;
  const start = tail.lastIndexOf('data: ', at);
  const end = tail.indexOf('\n', at);
  if (start < 0 || end < 0) return 0;
  const ev = JSON.parse(tail.slice(start + 6, end)) as { usage?: { total_tokens?: number } };
  return ev.usage?.total_tokens ?? 0;
}

async function relay(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const parsed = JSON.parse(await readBody(req)) as { stream?: boolean };
  const up = await pool.request({
    path: req.url ?? '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer upstream-key' },
    body: JSON.stringify(parsed),
  });
  const type = String(up.headers['content-type'] ?? 'application/json');
  if (!parsed.stream) {
    const buf = Buffer.from(await up.body.arrayBuffer());
    const json = JSON.parse(buf.toString('utf8')) as { usage?: { total_tokens?: number } };
    totalTokens += json.usage?.total_tokens ?? 0;
    res.writeHead(up.statusCode, { 'content-type': type, 'content-length': String(buf.length) });
    res.end(buf);
    return;
  }
  res.writeHead(up.statusCode, { 'content-type': type, 'cache-control': 'no-cache' });
  let tail = '';
  res.on('close', () => up.body.destroy());
  for await (const piece of up.body) {
    const text = (piece as Buffer).toString('utf8');
    tail = (tail + text).slice(-2048);
    res.write(piece);
  }
  totalTokens += usageFromSseTail(tail);
  res.end();
}

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(String(totalTokens));
    return;
  }
  relay(req, res).catch((err: unknown) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `floor relay: ${(err as Error).message}` } }));
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`READY ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));
