/** Output of the benchmark: one JSON object (`--json`) or human-readable tables. */
import type { BenchmarkResult } from './benchmark.js';
import type { Check } from './metrics.js';

/** Numbers rounded to 6 decimals so the output is stable and readable. */
export function toJson(result: BenchmarkResult): string {
  return JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v), 2);
}

const COLUMNS: [string, string, (v: number) => string][] = [
  ['success', 'success', pct],
  ['successPremium', 'prem.succ', pct],
  ['tasr', 'tasr', pct],
  ['costPerSuccess', '$/succ', (v) => v.toFixed(5)],
  ['p50', 'p50 ms', (v) => v.toFixed(0)],
  ['p99', 'p99 ms', (v) => v.toFixed(0)],
  ['p99Inflation', 'p99 infl', (v) => v.toFixed(3)],
  ['premiumTierShare', 'prem.tier', pct],
  ['capabilityViolations', 'cap.viol', (v) => v.toFixed(0)],
  ['budgetOverruns', 'overruns', (v) => v.toFixed(0)],
  ['canaryShare', 'canary', pct],
  ['rollbackS', 'rollback s', (v) => v.toFixed(1)],
  ['attemptsPerRequest', 'att/req', (v) => v.toFixed(3)],
  ['utility', 'utility', (v) => v.toFixed(2)],
];

function pct(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

function cell(v: unknown, fmt: (v: number) => string): string {
  return typeof v === 'number' ? fmt(v) : '—';
}

function checkLine(name: string, c: Check): string {
  const values = c.values.map((v) => (v === null ? 'null' : Number(v.toFixed(4)))).join(', ');
  return `  ${c.pass ? 'PASS' : 'FAIL'}  ${name}: ${c.rule}  [${values}]`;
}

export function toText(result: BenchmarkResult): string {
  const out: string[] = [];
  out.push(`Scenario ${result.scenario} — seeds ${result.seeds.join(', ')}${result.clean ? ' — clean (no faults)' : ''}`, '');
  const header = ['strategy', ...COLUMNS.map(([, h]) => h)];
  out.push('Mean over seeds:', '');
  out.push(table(header, Object.entries(result.strategies).map(([name, s]) => [name, ...COLUMNS.map(([k, , f]) => cell(s.mean[k as keyof typeof s.mean], f))])));
  for (const [name, s] of Object.entries(result.strategies)) {
    out.push('', `${name} per seed:`, '');
    out.push(table(['seed', ...COLUMNS.map(([, h]) => h)], s.perSeed.map((m) => [String(m.seed), ...COLUMNS.map(([k, , f]) => cell(m[k as keyof typeof m], f))])));
  }
  out.push('', `Gates (hub): ${result.gatesPass ? 'ALL PASS' : 'FAILED'}`);
  for (const [name, c] of Object.entries(result.gates)) out.push(checkLine(name, c));
  out.push('', `Dominance (hub over each baseline, every seed): ${result.dominancePass ? 'ALL PASS' : 'FAILED'}`);
  for (const [base, checks] of Object.entries(result.dominance)) {
    for (const [name, c] of Object.entries(checks)) out.push(checkLine(`${base} ${name}`, c));
  }
  return out.join('\n');
}
