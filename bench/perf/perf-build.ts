/**
 * How benchmark processes run TypeScript: compiled once with the project's tsc into
 * bench/perf/.build/run-<pid> (plain `node file.js`, as `npm start` runs the hub from dist/), or through
 * the tsx loader (`--runtime=tsx`, no build step; adds a loader thread and memory).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TSX_IMPORT } from './perf-proc.js';

export type Runtime = 'build' | 'tsx';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '..', '..');
/**
 * One build directory per benchmark process, so runs started at the same time (a shared
 * machine) do not delete each other's build; removed again by `removeBenchBuild()`.
 */
const BUILD_DIR = join(here, '.build', `run-${process.pid}`);

/** Returns node arguments that run `tsFile` (an absolute path to a .ts file in this repo). */
export type ScriptArgs = (tsFile: string) => string[];

/**
 * Compiles the repository (src + bench) into bench/perf/.build/run-<pid> with the project's tsc.
 * Type errors elsewhere in the shared tree do not stop the emit; missing outputs do.
 */
export function buildForBench(required: string[]): ScriptArgs {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  const tsc = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
  try {
    execFileSync(tsc, ['-p', join(REPO_ROOT, 'tsconfig.json'), '--outDir', BUILD_DIR, '--noEmit', 'false',
      '--sourceMap', 'false', '--declaration', 'false', '--incremental', 'false'], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 180_000 });
  } catch {
    // tsc exits non-zero on type errors but still emits; checked below.
  }
  const args: ScriptArgs = (tsFile) => [join(BUILD_DIR, relative(REPO_ROOT, tsFile)).replace(/\.ts$/, '.js')];
  for (const f of required) {
    const js = args(f)[0] as string;
    if (!existsSync(js)) throw new Error(`build for bench: ${js} was not emitted; try --runtime=tsx`);
  }
  return args;
}

export const tsxArgs: ScriptArgs = (tsFile) => ['--import', TSX_IMPORT, tsFile];

/** Deletes this process's build directory (call once every child started from it has exited). */
export function removeBenchBuild(): void {
  rmSync(BUILD_DIR, { recursive: true, force: true });
}
