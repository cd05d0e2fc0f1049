/**
 * Load generators: autocannon at fixed concurrency (RPS, CPU/request, RSS under load), an undici
 * loop at concurrency 1 (latency and stream first byte, µs resolution), and N concurrent slow
 * streams (RSS). Every loop is bounded in count and time; only loopback addresses are used.
 */
import autocannon from 'autocannon';
import { setMaxListeners } from 'node:events';
import { Client, Pool } from 'undici';
import { cpuMicros, rssMb, sampleMaxRss } from './perf-proc.js';
import type { RunningTarget } from './targets/target-types.js';

export type Mode = 'json' | 'stream';

function assertLoopback(origin: string): void {
  const host = new URL(origin).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    throw new Error(`bench: refusing non-loopback target ${origin}`);
  }
}

export function requestBody(model: string, mode: Mode): string {
  return JSON.stringify({
    model,
    messages: [
      { role: 'system', content: 'You are a concise assistant. Answer in one sentence.' },
      { role: 'user', content: 'Summarise the benefits of a shared AI gateway for a company.' },
    ],
    max_tokens: 64,
    temperature: 0.2,
    ...(mode === 'stream' ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

export interface ThroughputResult {
  rps: number;
  ok: number;
  failed: number;
  /** Gateway CPU (utime+stime) per completed request, µs; null without a gateway process. */
  cpuUsPerReq: number | null;
  rssLoadMb: number | null;
  p50Ms: number;
  p99Ms: number;
}

/** autocannon for `seconds` at `connections`; CPU and RSS of the gateway sampled around it. */
export async function runThroughput(
  t: RunningTarget,
  mode: Mode,
  connections: number,
  seconds: number,
): Promise<ThroughputResult> {
  assertLoopback(t.origin);
  const pid = t.proc?.pid;
  const rss = pid ? sampleMaxRss(pid) : undefined;
  const cpu0 = pid ? cpuMicros(pid) : 0;
  const started = process.hrtime.bigint();
  const r = await autocannon({
    url: t.origin + t.path,
    method: 'POST',
    headers: t.headers,
    body: requestBody(t.model, mode),
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
  });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu1 = pid ? cpuMicros(pid) : 0;
  const ok = r['2xx'];
  return {
    rps: ok / wallS,
    ok,
    failed: r.non2xx + r.errors + r.timeouts,
    cpuUsPerReq: pid && ok > 0 ? (cpu1 - cpu0) / ok : null,
    rssLoadMb: rss ? rss.stop() : null,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
  };
}

export interface LatencyResult {
  count: number;
  failed: number;
  /** Full response time at c=1, µs. */
  p50Us: number;
  p99Us: number;
  /** Time to the first body byte, µs (streams: the first SSE event). */
  ttfbP50Us: number;
  ttfbP99Us: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Sequential requests on one keep-alive connection: at most `count`, at most `maxMs`. */
export async function runLatencyC1(
  t: RunningTarget,
  mode: Mode,
  count: number,
  maxMs: number,
): Promise<LatencyResult> {
  assertLoopback(t.origin);
  const client = new Client(t.origin, { pipelining: 1, keepAliveTimeout: 30_000 });
  const body = requestBody(t.model, mode);
  const total: number[] = [];
  const ttfb: number[] = [];
  let failed = 0;
  const warmup = Math.min(100, Math.floor(count / 10));
  const deadline = Date.now() + maxMs;
  try {
    for (let i = 0; i < count + warmup && Date.now() < deadline; i++) {
      const t0 = process.hrtime.bigint();
      const res = await client.request({ path: t.path, method: 'POST', headers: t.headers, body });
      let first = 0n;
      for await (const _piece of res.body) {
        if (first === 0n) first = process.hrtime.bigint();
      }
      const t1 = process.hrtime.bigint();
      if (res.statusCode !== 200) failed++;
      if (i < warmup) continue;
      total.push(Number(t1 - t0) / 1000);
      ttfb.push(Number((first || t1) - t0) / 1000);
    }
  } finally {
    await client.close();
  }
  total.sort((a, b) => a - b);
  ttfb.sort((a, b) => a - b);
  return {
    count: total.length,
    failed,
    p50Us: percentile(total, 50),
    p99Us: percentile(total, 99),
    ttfbP50Us: percentile(ttfb, 50),
    ttfbP99Us: percentile(ttfb, 99),
  };
}

export interface SlowStreamsResult<T> {
  requested: number;
  /** Streams that delivered their first event. */
  open: number;
  /** Of those, streams still open when memory was sampled (the others had already ended). */
  liveAtPeak: number;
  failed: number;
  /** Why the first failed stream failed (status and body start, or the error), for the log. */
  firstFailure: string | undefined;
  /** ms from the first request until every stream delivered its first event (or the deadline). */
  openMs: number;
  /** Gateway VmRSS the moment every stream had delivered its first event, MB. */
  rssAtOpenMb: number | null;
  /** Max gateway VmRSS from the first request until one second after that moment, MB. */
  rssMb: number | null;
  /** What `atPeak` returned (called one second after that moment, all streams still open). */
  peak: T | undefined;
}

/**
 * Opens `n` slow streams (ramped in batches of 100), waits until each delivered its first event
 * (bounded by `maxMs`), samples gateway RSS for a second, calls `atPeak` while every stream is
 * still open, then aborts every stream.
 */
export async function runSlowStreams<T = undefined>(
  t: RunningTarget,
  n: number,
  maxMs: number,
  atPeak?: () => Promise<T>,
): Promise<SlowStreamsResult<T>> {
  assertLoopback(t.origin);
  const pool = new Pool(t.origin, { connections: n, pipelining: 1 });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one listener per open stream
  const pid = t.proc?.pid;
  const rss = pid ? sampleMaxRss(pid, 100) : undefined;
  const body = requestBody(t.slowModel, 'stream');
  let failed = 0;
  let opened = 0;
  let endedAfterFirst = 0;
  let firstFailure: string | undefined;
  const firsts: Promise<boolean>[] = [];
  const openOne = (): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      pool
        .request({ path: t.path, method: 'POST', headers: t.headers, body, signal: abort.signal })
        .then((res) => {
          if (res.statusCode !== 200) {
            failed++;
            if (firstFailure === undefined) {
              firstFailure = `status ${res.statusCode}`;
              res.body.text().then((text) => (firstFailure = `status ${res.statusCode}: ${text.slice(0, 300)}`), () => undefined);
              resolve(false);
              return;
            }
          }
          let first = false;
          let done = false;
          res.body.once('data', () => {
            first = true;
            if (res.statusCode === 200) opened++;
            resolve(res.statusCode === 200);
          });
          res.body.on('data', () => {});
          const ended = (): void => {
            if (first && !done && res.statusCode === 200) endedAfterFirst++;
            done = true;
            resolve(false);
          };
          res.body.on('error', ended);
          res.body.on('end', ended);
        })
        .catch((err: unknown) => {
          failed++;
          firstFailure ??= (err as Error).message;
          resolve(false);
        });
    });
  const started = Date.now();
  const deadline = started + maxMs;
  try {
    for (let i = 0; i < n && Date.now() < deadline; i += 100) {
      for (let j = i; j < Math.min(n, i + 100); j++) firsts.push(openOne());
      await new Promise((r) => setTimeout(r, 20));
    }
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now())));
    await Promise.race([Promise.all(firsts), timeout]);
    const openMs = Date.now() - started;
    const rssAtOpenMb = pid ? rssMb(pid) : null;
    await new Promise((r) => setTimeout(r, 1000));
    const rssMax = rss ? rss.stop() : null;
    const liveAtPeak = opened - endedAfterFirst;
    const peak = atPeak ? await atPeak() : undefined;
    return { requested: n, open: opened, liveAtPeak, failed, firstFailure, openMs, rssAtOpenMb, rssMb: rssMax, peak };
  } finally {
    rss?.stop();
    abort.abort();
    await pool.destroy().catch(() => {});
  }
}

/** Idle RSS of the gateway (MB), or null without a gateway process. */
export function idleRss(t: RunningTarget): number | null {
  return t.proc ? rssMb(t.proc.pid) : null;
}
