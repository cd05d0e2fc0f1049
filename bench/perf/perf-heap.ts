/**
 * The V8 heap of a gateway process, read from outside without changing the gateway: the process
 * is started with node's diagnostic-report flags (`reportFlags`), and `heapReport` sends it the
 * report signal, reads the JSON it writes, keeps only the heap numbers and deletes the file
 * (a report also lists environment variables; it never leaves the scratch directory).
 *
 * Writing a report does not run a garbage collection: `heapUsed` includes garbage not yet
 * collected, like RSS does.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const REPORT_SIGNAL = 'SIGUSR2';

/** Node flags that make the process write a diagnostic report into `dir` on `SIGUSR2`. */
export function reportFlags(dir: string): string[] {
  return ['--report-on-signal', `--report-signal=${REPORT_SIGNAL}`, `--report-directory=${dir}`, '--report-compact', '--report-exclude-network'];
}

/** V8 heap of a process, in MB (from `javascriptHeap` of a node diagnostic report). */
export interface HeapReport {
  /** Bytes of live and not-yet-collected objects in all V8 spaces. */
  heapUsedMb: number;
  /** Memory V8 reserved for its spaces (heapUsed + free space inside them). */
  heapTotalMb: number;
  /** Young generation (semi-spaces) reserved size. */
  newSpaceMb: number;
  /** Old generation used. */
  oldSpaceUsedMb: number;
  /** Memory outside the V8 heap that JS objects keep alive (Buffers, ArrayBuffers). */
  externalMb: number;
  /** Memory V8 itself allocated with malloc. */
  mallocedMb: number;
}

interface SpaceJson {
  memorySize?: number;
  used?: number;
}
interface ReportJson {
  javascriptHeap?: {
    totalMemory?: number;
    usedMemory?: number;
    externalMemory?: number;
    mallocedMemory?: number;
    heapSpaces?: Record<string, SpaceJson>;
  };
}

const MB = 2 ** 20;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function reportFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('report.') && f.endsWith('.json'));
}

/**
 * Asks `pid` (started with `reportFlags(dir)`) for a diagnostic report and returns its heap
 * numbers; null if no complete report appears within `timeoutMs`.
 */
export async function heapReport(pid: number, dir: string, timeoutMs = 10_000): Promise<HeapReport | null> {
  for (const f of reportFiles(dir)) rmSync(join(dir, f), { force: true });
  process.kill(pid, REPORT_SIGNAL);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(100);
    for (const f of reportFiles(dir)) {
      const file = join(dir, f);
      let report: ReportJson;
      try {
        report = JSON.parse(readFileSync(file, 'utf8')) as ReportJson;
      } catch {
        continue; // still being written
      }
      rmSync(file, { force: true });
      const h = report.javascriptHeap;
      if (!h) return null;
      const spaces = h.heapSpaces ?? {};
      return {
        heapUsedMb: (h.usedMemory ?? NaN) / MB,
        heapTotalMb: (h.totalMemory ?? NaN) / MB,
        newSpaceMb: (spaces.new_space?.memorySize ?? NaN) / MB,
        oldSpaceUsedMb: (spaces.old_space?.used ?? NaN) / MB,
        externalMb: (h.externalMemory ?? NaN) / MB,
        mallocedMb: (h.mallocedMemory ?? NaN) / MB,
      };
    }
  }
  return null;
}
