/**
 * The memory test: N concurrent slow streams through a gateway in a fresh process.
 *
 * The target is started anew, with its own data directory (so the heap left by the throughput
 * runs is not counted), warmed with a few sequential streams (first-request work: module
 * loading, JIT, pools), left idle for a second and measured; then N slow streams are opened and
 * it is measured again once every stream delivered its first event. Memory is VmRSS/RssAnon from /proc and the V8 heap from a
 * node diagnostic report (perf-heap.ts); no forced GC, nothing added to the gateway.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { heapReport, reportFlags, type HeapReport } from './perf-heap.js';
import { runLatencyC1, runSlowStreams } from './perf-load.js';
import { memStatus, type MemStatus } from './perf-proc.js';
import type { SlowSample } from './perf-report.js';
import type { RunningTarget, Target, TargetContext } from './targets/target-types.js';

const WARMUP_STREAMS = 20;
const OPEN_TIMEOUT_MS = 30_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Memory of the gateway process at one point: /proc status and, if readable, the V8 heap. */
interface Snapshot {
  mem: MemStatus;
  heap: HeapReport | null;
}

async function snapshot(pid: number, dir: string): Promise<Snapshot> {
  const mem = memStatus(pid); // before the report, which allocates a little
  return { mem, heap: await heapReport(pid, dir) };
}

/**
 * Starts `target` in a fresh process and measures `n` concurrent slow streams through it.
 * Returns undefined for a target without a gateway process (direct). The process is stopped
 * before returning, also on error.
 */
export async function measureSlowStreams(
  target: Target,
  ctx: TargetContext,
  round: number,
  n: number,
  log: (s: string) => void,
): Promise<SlowSample | undefined> {
  // Its own scratch directory: a fresh data dir too (not the ledger of the throughput run).
  const workDir = join(ctx.workDir, 'slow-streams');
  const reportDir = join(workDir, `${target.name}-reports`);
  mkdirSync(reportDir, { recursive: true });
  let running: RunningTarget | undefined;
  try {
    running = await target.start({ ...ctx, workDir, nodeFlags: [...ctx.nodeFlags, ...reportFlags(reportDir)] });
    const pid = running.proc?.pid;
    if (pid === undefined) return undefined;
    await runLatencyC1(running, 'stream', WARMUP_STREAMS, 10_000);
    await sleep(1000);
    const idle = await snapshot(pid, reportDir);
    const s = await runSlowStreams(running, n, OPEN_TIMEOUT_MS, () => snapshot(pid, reportDir));
    const peak = s.peak;
    const sample: SlowSample = {
      round, target: target.name, open: s.open, liveAtPeak: s.liveAtPeak, failed: s.failed, openMs: s.openMs,
      rssMb: s.rssMb, rssAtOpenMb: s.rssAtOpenMb, rssIdleMb: idle.mem.rssMb,
      kbPerStream: s.rssMb !== null && s.liveAtPeak > 0 ? ((s.rssMb - idle.mem.rssMb) * 1024) / s.liveAtPeak : null,
      rssAnonIdleMb: idle.mem.rssAnonMb, rssAnonMb: peak?.mem.rssAnonMb ?? null,
      heapUsedIdleMb: idle.heap?.heapUsedMb ?? null, heapUsedMb: peak?.heap?.heapUsedMb ?? null,
      heapTotalIdleMb: idle.heap?.heapTotalMb ?? null, heapTotalMb: peak?.heap?.heapTotalMb ?? null,
      newSpaceMb: peak?.heap?.newSpaceMb ?? null,
      externalIdleMb: idle.heap?.externalMb ?? null, externalMb: peak?.heap?.externalMb ?? null,
    };
    const f = (x: number | null, d = 0): string => (x === null ? '–' : x.toFixed(d));
    log(
      `  ${target.name} ${n} slow streams (fresh process): ${s.open} open in ${s.openMs} ms (${s.liveAtPeak} still open when sampled), ` +
        `${s.failed} failed; ` +
        `RSS ${f(sample.rssIdleMb)} → ${f(sample.rssMb)} MB (${f(sample.kbPerStream)} KB/stream); ` +
        `heap used ${f(sample.heapUsedIdleMb)} → ${f(sample.heapUsedMb)} MB, heap total ${f(sample.heapTotalIdleMb)} → ` +
        `${f(sample.heapTotalMb)} MB (new space ${f(sample.newSpaceMb)}), external ${f(sample.externalIdleMb)} → ${f(sample.externalMb)} MB` +
        (s.firstFailure !== undefined ? `; first failure: ${s.firstFailure}` : ''),
    );
    return sample;
  } finally {
    await running?.stop();
  }
}
