/**
 * Child processes for the benchmark: start pinned to a core, wait until ready, read CPU time and
 * RSS from /proc, and kill every child we started (also on error / Ctrl-C).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const children = new Set<ChildProcess>();

/** `--import` value that loads tsx from this checkout whatever the child's cwd is. */
export const TSX_IMPORT = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface PinnedProcess {
  /** pid of the node process itself (taskset execs, so it is the same pid). */
  pid: number;
  child: ChildProcess;
  /** Last ~8 KB of stdout+stderr, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  core: number;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/**
 * Niceness for every benchmark process (negative = higher priority, needs root). On a machine
 * shared with other work this keeps other processes from preempting the measured ones.
 */
let benchNice = 0;
export function setBenchNice(n: number): void {
  benchNice = n;
}

/** Starts `node <args>` pinned to one core with `taskset -c <core>`. */
export function spawnPinned(opts: SpawnOptions): PinnedProcess {
  const cmd = ['taskset', '-c', String(opts.core), process.execPath, ...opts.args];
  if (benchNice !== 0) cmd.unshift('nice', '-n', String(benchNice));
  const child = spawn(cmd[0] as string, cmd.slice(1), {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('exit', () => children.delete(child));
  if (child.pid === undefined) throw new Error(`could not start: node ${opts.args.join(' ')}`);
  return { pid: child.pid, child, output: () => out, stop: () => stopChild(child) };
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the child has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Kills every child still running, synchronously (safe in exit handlers). */
export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/** Waits for a `READY <port>` line on stdout; rejects on exit or timeout. */
export function waitForReadyLine(p: PinnedProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`not ready after ${timeoutMs} ms:\n${p.output()}`)), timeoutMs);
    const onData = (): void => {
      const m = /READY (\d+)/.exec(p.output());
      if (m) finish(undefined, Number(m[1]));
    };
    const onExit = (): void => finish(new Error(`exited before ready:\n${p.output()}`));
    function finish(err?: Error, port?: number): void {
      clearTimeout(timer);
      p.child.stdout?.off('data', onData);
      p.child.off('exit', onExit);
      if (err) reject(err);
      else resolve(port ?? 0);
    }
    p.child.stdout?.on('data', onData);
    p.child.once('exit', onExit);
    onData();
  });
}

/** Polls `url` until it answers any HTTP status; rejects on child exit or timeout. */
export async function waitForHttp(p: PinnedProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) {
      throw new Error(`exited before ready:\n${p.output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`no HTTP answer from ${url} after ${timeoutMs} ms:\n${p.output()}`);
}

/** A free loopback port (bind to 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** utime + stime of the whole process (all threads), in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field index 0 is state (field 3); utime is field 14, stime field 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1_000_000) / CLK_TCK;
}

/** VmRSS in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Resident memory of a process from `/proc/<pid>/status`, in MB. */
export interface MemStatus {
  /** VmRSS: everything resident (= rssAnon + rssFile + rssShmem). */
  rssMb: number;
  /** RssAnon: anonymous pages — the JS heap, malloc, Buffers, thread stacks. */
  rssAnonMb: number;
  /** RssFile: mapped files (the node binary, shared libraries). */
  rssFileMb: number;
  /** VmHWM: the peak VmRSS since the process started. */
  hwmMb: number;
}

export function memStatus(pid: number): MemStatus {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  };
  return { rssMb: kb('VmRSS'), rssAnonMb: kb('RssAnon'), rssFileMb: kb('RssFile'), hwmMb: kb('VmHWM') };
}

/** Samples max RSS of `pid` every `everyMs` until `stop()` is called. */
export function sampleMaxRss(pid: number, everyMs = 200): { stop(): number } {
  let max = 0;
  const take = (): void => {
    try {
      max = Math.max(max, rssMb(pid));
    } catch {
      /* process gone */
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop(): number {
      clearInterval(timer);
      take();
      return max;
    },
  };
}

/** Pins the current process (all threads) to a core and applies the bench niceness to them. */
export function pinSelf(core: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
  if (benchNice === 0) return;
  for (const tid of readdirSync('/proc/self/task')) os.setPriority(Number(tid), benchNice);
}

/** Busy (non-idle, non-iowait) and total CPU time of the whole machine, in µs, from /proc/stat. */
export function machineCpuMicros(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: ((total - idle) * 1_000_000) / CLK_TCK, total: (total * 1_000_000) / CLK_TCK };
}

/**
 * Measures CPU used by processes other than `ownPids` (other users of a shared machine) while
 * a measurement runs, as a fraction of all cores' time.
 */
export function foreignCpuMeter(ownPids: number[]): { stop(): number } {
  const own = (): number => ownPids.reduce((sum, pid) => {
    try {
      return sum + cpuMicros(pid);
    } catch {
      return sum;
    }
  }, 0);
  const m0 = machineCpuMicros();
  const o0 = own();
  return {
    stop(): number {
      const m1 = machineCpuMicros();
      const used = m1.busy - m0.busy - (own() - o0);
      const span = m1.total - m0.total;
      return span > 0 ? Math.max(0, used / span) : 0;
    },
  };
}

/**
 * Waits (at most `maxWaitMs`) until processes other than `ownPids` use less than `threshold` of
 * the machine for one second; returns the last measured foreign load.
 */
export async function waitForQuiet(ownPids: number[], threshold: number, maxWaitMs: number): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let load = 1;
  do {
    const meter = foreignCpuMeter(ownPids);
    await new Promise((r) => setTimeout(r, 1000));
    load = meter.stop();
  } while (load > threshold && Date.now() < deadline);
  return load;
}
