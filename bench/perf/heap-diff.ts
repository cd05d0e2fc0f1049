/**
 * Compares two V8 heap snapshots by constructor: count and self size of every (node type,
 * name) group in `after` minus `before`, largest growth first, optionally divided by a number
 * of units (e.g. open streams) to read "bytes per stream".
 *
 * Run: `npx tsx bench/perf/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [--per=1000] [--top=60]`
 * Used by slow-heap.ts; works on any pair of snapshots (DevTools, --heapsnapshot-signal).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface Group {
  /** `type:name`, e.g. `object:AbortController`, `closure:onData`, `string`, `native:system / JSArrayBufferData`. */
  key: string;
  count: number;
  bytes: number;
}

/** Names kept as they are for these node types; others are grouped by type only. */
const NAMED_TYPES = new Set(['object', 'closure', 'native', 'hidden', 'array', 'synthetic', 'object shape']);

/** Count and self size per group of one snapshot file. */
export function groupsOf(file: string): Map<string, Group> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as SnapshotJson;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const out = new Map<string, Group>();
  const { nodes, strings } = snap;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType] as number] ?? '?';
    let name = NAMED_TYPES.has(type) ? (strings[nodes[i + iName] as number] ?? '?') : '';
    if (type === 'closure' && name === '') name = '(anonymous)';
    if (name.length > 80) name = `${name.slice(0, 77)}...`;
    const key = name === '' ? type : `${type}:${name}`;
    const g = out.get(key) ?? { key, count: 0, bytes: 0 };
    g.count++;
    g.bytes += nodes[i + iSize] as number;
    out.set(key, g);
  }
  return out;
}

export interface GroupDiff {
  key: string;
  count: number;
  bytes: number;
}

/** after − before per group, largest byte growth first. */
export function diffGroups(before: Map<string, Group>, after: Map<string, Group>): GroupDiff[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  const out: GroupDiff[] = [];
  for (const key of keys) {
    const a = after.get(key);
    const b = before.get(key);
    out.push({ key, count: (a?.count ?? 0) - (b?.count ?? 0), bytes: (a?.bytes ?? 0) - (b?.bytes ?? 0) });
  }
  return out.sort((x, y) => y.bytes - x.bytes);
}

function total(groups: Map<string, Group>): number {
  let sum = 0;
  for (const g of groups.values()) sum += g.bytes;
  return sum;
}

/** Prints the diff: totals, then the `top` groups, per `per` units. */
export function printDiff(before: Map<string, Group>, after: Map<string, Group>, per: number, top: number, out: (s: string) => void): void {
  const d = diffGroups(before, after);
  const tb = total(before);
  const ta = total(after);
  out(`heap (live objects, after the GC a snapshot runs): ${(tb / 2 ** 20).toFixed(1)} → ${(ta / 2 ** 20).toFixed(1)} MB; ` +
    `+${((ta - tb) / 2 ** 20).toFixed(1)} MB = ${((ta - tb) / per / 1024).toFixed(2)} KB per unit (${per} units)\n`);
  out(`| bytes/unit | objects/unit | total KB | group (type:constructor) |\n|---:|---:|---:|---|\n`);
  for (const g of d.slice(0, top)) {
    out(`| ${(g.bytes / per).toFixed(0)} | ${(g.count / per).toFixed(2)} | ${(g.bytes / 1024).toFixed(0)} | ${g.key.replace(/\|/g, '\\|')} |\n`);
  }
}

function main(): void {
  const argv = process.argv.slice(2);
  const files = argv.filter((a) => !a.startsWith('--'));
  const get = (name: string, dflt: string): string => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
  if (files.length !== 2) throw new Error('usage: heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [--per=N] [--top=N]');
  printDiff(groupsOf(files[0] as string), groupsOf(files[1] as string), Math.max(1, Number(get('per', '1'))), Number(get('top', '60')), (s) => void process.stdout.write(s));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
