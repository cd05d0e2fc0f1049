/**
 * Ledger share of a CPU profile: self time of every sample whose call stack holds a frame of
 * the storage layer (src/storage/, kysely, better-sqlite3, pg), i.e. the CPU the ledger
 * writes cost on the event loop (GC excluded: it has no stack).
 *
 *   npx tsx bench/ledger/profile-share.ts <file.cpuprofile> [--requests N]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const STORAGE = [/\/src\/storage\//, /node_modules\/kysely\//, /node_modules\/better-sqlite3\//, /node_modules\/pg(-[a-z]+)?\//];

const file = process.argv[2];
if (file === undefined) throw new Error('usage: profile-share.ts <file.cpuprofile> [--requests N]');
const at = process.argv.indexOf('--requests');
const requests = at > 0 ? Number(process.argv[at + 1]) : undefined;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const inStorage = new Map<number, boolean>();
function storageStack(id: number): boolean {
  const known = inStorage.get(id);
  if (known !== undefined) return known;
  const node = byId.get(id);
  const up = parent.get(id);
  const result = (node !== undefined && STORAGE.some((re) => re.test(node.callFrame.url))) || (up !== undefined && storageStack(up));
  inStorage.set(id, result);
  return result;
}

let storageUs = 0;
let busyUs = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  const name = byId.get(id)?.callFrame.functionName;
  if (name !== '(idle)') busyUs += dt;
  if (storageStack(id)) storageUs += dt;
});
console.log(`storage: ${(storageUs / 1000).toFixed(1)} ms of ${(busyUs / 1000).toFixed(1)} ms busy (${((100 * storageUs) / busyUs).toFixed(1)} %)`);
if (requests !== undefined) console.log(`storage per request: ${(storageUs / requests).toFixed(1)} us over ${requests} requests`);
