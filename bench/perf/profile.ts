/**
 * CPU profile of one gateway under load: starts the target with `node --cpu-prof`, runs
 * autocannon (json then stream) for a bounded time, stops it and prints the hottest functions.
 *
 * Run: `npx tsx bench/perf/profile.ts [--target=hub-full] [--seconds=8] [--connections=32] [--runtime=build|tsx]
 *   [--node-flags=--max-semi-space-size=8,…]` (extra node flags for the gateway, comma-separated)
 * Profiles are kept in bench/perf/results/profiles/ (git-ignored by convention: not committed).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runThroughput } from './perf-load.js';
import { buildForBench, removeBenchBuild, tsxArgs } from './perf-build.js';
import { killAllChildren, pinSelf, spawnPinned, waitForReadyLine } from './perf-proc.js';
import { printProfileSummary } from './profile-summary.js';
import { floorTarget } from './targets/floor.js';
import { hubFullTarget, hubMinimalTarget } from './targets/hub.js';
import { peerTarget } from './targets/peer.js';
import type { RunningTarget, Target } from './targets/target-types.js';

const TARGETS: Target[] = [floorTarget, hubFullTarget, hubMinimalTarget, peerTarget];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const get = (name: string, dflt: string): string => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
  const target = TARGETS.find((t) => t.name === get('target', 'hub-full'));
  if (!target) throw new Error(`--target must be one of ${TARGETS.map((t) => t.name).join(', ')}`);
  const seconds = Math.min(60, Math.max(1, Number(get('seconds', '8'))));
  const connections = Math.min(256, Math.max(1, Number(get('connections', '32'))));
  const here = dirname(fileURLToPath(import.meta.url));
  const profDir = join(here, 'results', 'profiles', `${target.name}-${Date.now()}`);
  mkdirSync(profDir, { recursive: true });
  pinSelf(0);
  const workDir = mkdtempSync(join(os.tmpdir(), 'zhongshu-prof-'));
  let running: RunningTarget | undefined;
  try {
    const script = get('runtime', 'build') === 'tsx' ? tsxArgs
      : buildForBench(['upstream.ts', 'floor-relay.ts', 'targets/hub-entry.ts'].map((f) => join(here, f)));
    const up = spawnPinned({ core: 0, args: [...script(join(here, 'upstream.ts')), '0'] });
    const upstreamOrigin = `http://127.0.0.1:${await waitForReadyLine(up, 20_000)}`;
    const extraFlags = get('node-flags', '').split(',').filter((f) => f !== '');
    running = await target.start({ upstreamOrigin, gatewayCore: 1, nodeFlags: [...extraFlags, '--cpu-prof', `--cpu-prof-dir=${profDir}`], workDir, script });
    await runThroughput(running, 'json', connections, 1);
    const modes = get('modes', 'json,stream').split(',').filter((m): m is 'json' | 'stream' => m === 'json' || m === 'stream');
    for (const mode of modes) {
      const r = await runThroughput(running, mode, connections, seconds);
      process.stdout.write(`${target.name} ${mode}: ${r.rps.toFixed(0)} rps, ${r.cpuUsPerReq?.toFixed(0)} µs/req (profiler on), failed ${r.failed}\n`);
    }
    await running.stop();
    running = undefined;
    const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profDir, f));
    if (files.length === 0) throw new Error(`no .cpuprofile written in ${profDir} (did the process exit cleanly?)`);
    printProfileSummary(files, Number(get('top', '40')), (s) => void process.stdout.write(s));
  } finally {
    await running?.stop();
    killAllChildren();
    removeBenchBuild();
    rmSync(workDir, { recursive: true, force: true });
  }
}

process.on('exit', killAllChildren);
main().catch((err: unknown) => {
  killAllChildren();
  process.stderr.write(`profile failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
