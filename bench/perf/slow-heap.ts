/**
 * What a gateway keeps per open stream: starts one target in a fresh process with
 * `--heapsnapshot-signal`, takes a heap snapshot idle (after a short warm-up) and one with N
 * slow streams open, and prints the difference by constructor per stream (heap-diff.ts), with
 * VmRSS / RssAnon at both points.
 *
 * Run: `npx tsx bench/perf/slow-heap.ts [--target=hub-full] [--slow=1000] [--top=60]
 *        [--node-flags=--max-semi-space-size=4] [--after-load=5] [--keep] [--runtime=build|tsx]`
 * --after-load=S: before the idle snapshot, S seconds of json then S seconds of stream load at
 * c=32 (as in run.ts), to see what the process keeps from a throughput run.
 * Snapshots are written under bench/perf/results/profiles/ (git-ignored) and deleted after the
 * analysis unless --keep. Every child is killed on exit.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { groupsOf, printDiff } from './heap-diff.js';
import { buildForBench, removeBenchBuild, tsxArgs } from './perf-build.js';
import { runLatencyC1, runSlowStreams, runThroughput } from './perf-load.js';
import { killAllChildren, memStatus, pinSelf, spawnPinned, waitForReadyLine, type MemStatus } from './perf-proc.js';
import { floorTarget } from './targets/floor.js';
import { hubFullTarget, hubMinimalTarget } from './targets/hub.js';
import { peerTarget } from './targets/peer.js';
import type { RunningTarget, Target } from './targets/target-types.js';

const TARGETS: Target[] = [floorTarget, hubFullTarget, hubMinimalTarget, peerTarget];
/** Slow streams long enough (90 s) to stay open while they open and two snapshots are written. */
const SLOW_CHUNKS = '900';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sends SIGUSR2 and waits (≤ 120 s) until a new complete .heapsnapshot file is in `dir`. */
async function takeSnapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 120_000;
  let lastSize = -1;
  while (Date.now() < deadline) {
    await sleep(500);
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    const size = statSync(join(dir, file)).size;
    if (size > 0 && size === lastSize) return join(dir, file);
    lastSize = size;
  }
  throw new Error('no heap snapshot written within 120 s');
}

const fmtMem = (m: MemStatus): string => `VmRSS ${m.rssMb.toFixed(1)} MB, RssAnon ${m.rssAnonMb.toFixed(1)} MB`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const get = (name: string, dflt: string): string => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
  const target = TARGETS.find((t) => t.name === get('target', 'hub-full'));
  if (!target) throw new Error(`--target must be one of ${TARGETS.map((t) => t.name).join(', ')}`);
  const n = Math.min(5000, Math.max(1, Number(get('slow', '1000'))));
  const extraFlags = get('node-flags', '').split(',').filter((f) => f !== '');
  const log = (s: string): void => void process.stdout.write(s);
  const here = dirname(fileURLToPath(import.meta.url));
  const snapDir = join(here, 'results', 'profiles', `heap-${target.name}-${Date.now()}`);
  mkdirSync(snapDir, { recursive: true });
  pinSelf(0);
  const workDir = mkdtempDir();
  let running: RunningTarget | undefined;
  try {
    const script = get('runtime', 'build') === 'tsx' ? tsxArgs
      : buildForBench(['upstream.ts', 'floor-relay.ts', 'targets/hub-entry.ts'].map((f) => join(here, f)));
    const up = spawnPinned({ core: 0, args: [...script(join(here, 'upstream.ts')), '0'], env: { BENCH_SLOW_CHUNKS: SLOW_CHUNKS } });
    const upstreamOrigin = `http://127.0.0.1:${await waitForReadyLine(up, 20_000)}`;
    const nodeFlags = [...extraFlags, '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapDir}`];
    running = await target.start({ upstreamOrigin, gatewayCore: 1, nodeFlags, workDir, script });
    const pid = running.proc?.pid;
    if (pid === undefined) throw new Error(`${target.name} has no gateway process`);
    await runLatencyC1(running, 'stream', 20, 10_000);
    const loadSeconds = Math.min(30, Math.max(0, Number(get('after-load', '0'))));
    if (loadSeconds > 0) {
      log(`after warm-up: ${fmtMem(memStatus(pid))}\n`);
      for (const mode of ['json', 'stream'] as const) {
        const r = await runThroughput(running, mode, 32, loadSeconds);
        log(`load ${mode}: ${r.rps.toFixed(0)} rps for ${loadSeconds} s, failed ${r.failed}, max VmRSS ${r.rssLoadMb?.toFixed(1)} MB\n`);
      }
    }
    await sleep(1000);
    const idleMem = memStatus(pid);
    const idleSnap = await takeSnapshot(pid, snapDir);
    const afterIdleSnap = memStatus(pid);
    let openMem: MemStatus | undefined;
    const s = await runSlowStreams(running, n, 30_000, async () => {
      openMem = memStatus(pid);
      return takeSnapshot(pid, snapDir);
    });
    const openSnap = s.peak;
    await running.stop();
    running = undefined;
    if (!openSnap || !openMem) throw new Error('no snapshot with the streams open');
    const units = Math.max(1, s.liveAtPeak);
    log(`${target.name}${extraFlags.length ? ` (${extraFlags.join(' ')})` : ''}: ${s.open} of ${n} streams open in ${s.openMs} ms ` +
      `(${s.liveAtPeak} still open at the snapshot), ${s.failed} failed\n`);
    log(`idle: ${fmtMem(idleMem)} (after its snapshot's GC: ${fmtMem(afterIdleSnap)})\n`);
    log(`open: ${fmtMem(openMem)}; max VmRSS ${s.rssMb?.toFixed(1)} MB → ` +
      `${(((openMem.rssMb - afterIdleSnap.rssMb) * 1024) / units).toFixed(1)} KB/stream RSS, ` +
      `${(((openMem.rssAnonMb - afterIdleSnap.rssAnonMb) * 1024) / units).toFixed(1)} KB/stream RssAnon\n\n`);
    printDiff(groupsOf(idleSnap), groupsOf(openSnap), units, Number(get('top', '60')), log);
    log(argv.includes('--keep') ? `\nsnapshots kept in ${snapDir}\n` : '');
  } finally {
    await running?.stop();
    killAllChildren();
    removeBenchBuild();
    rmSync(workDir, { recursive: true, force: true });
    if (!argv.includes('--keep')) rmSync(snapDir, { recursive: true, force: true });
  }
}

function mkdtempDir(): string {
  const dir = join(os.tmpdir(), `zhongshu-heap-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

process.on('exit', killAllChildren);
main().catch((err: unknown) => {
  killAllChildren();
  process.stderr.write(`slow-heap failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
