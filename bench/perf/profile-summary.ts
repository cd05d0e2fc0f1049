/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): top functions by self time, and the
 * share of time spent per source file group.
 *
 * Run: `npx tsx bench/perf/profile-summary.ts <file.cpuprofile…> [--top=30]` — with several files
 * (node writes one per thread, e.g. tsx's loader thread) the one with the most samples is used.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  where: string;
  selfMs: number;
  selfPct: number;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '') || '(native)';
}

/** Self time per function (summed over call sites), highest first; idle time excluded. */
export function hotFunctions(p: Profile, top: number): { total: number; fns: HotFunction[]; files: HotFunction[] } {
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const byFn = new Map<string, HotFunction>();
  const byFile = new Map<string, HotFunction>();
  let total = 0;
  for (const n of p.nodes) {
    if (n.callFrame.functionName === '(idle)') continue; // percentages are of busy time
    const us = selfUs.get(n.id) ?? 0;
    total += us;
    const where = `${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    const name = n.callFrame.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const f = byFn.get(key) ?? { name, where, selfMs: 0, selfPct: 0 };
    f.selfMs += us / 1000;
    byFn.set(key, f);
    const file = shortUrl(n.callFrame.url).replace(/:\d+$/, '') || name;
    const g = byFile.get(file) ?? { name: file, where: '', selfMs: 0, selfPct: 0 };
    g.selfMs += us / 1000;
    byFile.set(file, g);
  }
  const finish = (m: Map<string, HotFunction>): HotFunction[] =>
    [...m.values()]
      .map((f) => ({ ...f, selfPct: total > 0 ? (100 * f.selfMs * 1000) / total : 0 }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top);
  return { total: total / 1000, fns: finish(byFn), files: finish(byFile) };
}

/**
 * Inclusive time of functions whose file matches `filter` (e.g. the project's own `src/`), counted
 * once per stack (recursion is not double counted), highest first.
 */
export function inclusiveTime(p: Profile, filter: (where: string) => boolean, top: number): HotFunction[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    const dt = p.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    total += dt;
  }
  const incl = new Map<string, HotFunction>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n) break;
      const where = `${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
      if (!filter(where)) continue;
      const key = `${n.callFrame.functionName || '(anonymous)'} ${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const f = incl.get(key) ?? { name: n.callFrame.functionName || '(anonymous)', where, selfMs: 0, selfPct: 0 };
      f.selfMs += us / 1000;
      incl.set(key, f);
    }
  }
  return [...incl.values()]
    .map((f) => ({ ...f, selfPct: total > 0 ? (100 * f.selfMs * 1000) / total : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
}

export function printProfileSummary(files: string[], top: number, write: (s: string) => void): void {
  const profiles = files.map((f) => ({ f, p: JSON.parse(readFileSync(f, 'utf8')) as Profile }));
  profiles.sort((a, b) => b.p.samples.length - a.p.samples.length);
  const main = profiles[0];
  if (!main) return;
  const { total, fns, files: byFile } = hotFunctions(main.p, top);
  write(`profile ${main.f}: ${total.toFixed(0)} ms busy (idle excluded)\n\n| self ms | self % | function | where |\n|---|---|---|---|\n`);
  for (const f of fns) write(`| ${f.selfMs.toFixed(1)} | ${f.selfPct.toFixed(1)} | ${f.name} | ${f.where} |\n`);
  write(`\n| self ms | self % | file |\n|---|---|---|\n`);
  for (const f of byFile) write(`| ${f.selfMs.toFixed(1)} | ${f.selfPct.toFixed(1)} | ${f.name} |\n`);
  write(`\nInclusive time of the project's own functions (src/):\n\n| incl. ms | % of busy | function | where |\n|---|---|---|---|\n`);
  for (const f of inclusiveTime(main.p, (w) => w.startsWith('src/'), top)) {
    write(`| ${f.selfMs.toFixed(1)} | ${f.selfPct.toFixed(1)} | ${f.name} | ${f.where} |\n`);
  }
}

const args = process.argv.slice(2);
const profileFiles = args.filter((a) => a.endsWith('.cpuprofile'));
if (profileFiles.length > 0 && process.argv[1]?.endsWith('profile-summary.ts')) {
  const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 30);
  printProfileSummary(profileFiles, top, (s) => void process.stdout.write(s));
}
