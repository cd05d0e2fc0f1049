/**
 * The scheduling-quality benchmark on scenario A (every seed) and on scenario B (the over-fitting
 * guard): every gate and every dominance condition must hold. Scenario A is read from the
 * shared folder beside the repository, falling back to the bundled copy.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../../bench/schedule/benchmark.js';
import type { Check } from '../../bench/schedule/metrics.js';
import { toJson } from '../../bench/schedule/report.js';
import { loadScenario } from '../../bench/schedule/scenario.js';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared/scheduling/scenario-a.json');
const scenarioA = loadScenario(existsSync(shared) ? shared : resolve(root, 'bench/schedule/scenarios/scenario-a.json'));
const scenarioB = loadScenario(resolve(root, 'bench/schedule/scenarios/scenario-b.json'));

function failures(checks: Record<string, Check>): string[] {
  return Object.entries(checks)
    .filter(([, c]) => !c.pass)
    .map(([name, c]) => `${name} (${c.rule}): ${JSON.stringify(c.values)}`);
}

describe.each([
  ['A', scenarioA],
  ['B', scenarioB],
])('scheduling benchmark, scenario %s', (_name, scenario) => {
  it('the hub meets every gate and dominates every baseline on every seed', { timeout: 180_000 }, () => {
    const result = runBenchmark(scenario);
    expect(result.seeds).toEqual(scenario.seeds);
    expect(Object.keys(result.strategies)).toEqual(['hub', 'random', 'round-robin', 'shuffle-cooldown', 'always-cheapest', 'always-best', 'least-busy', 'p2c-peak-ewma']);
    expect(failures(result.gates)).toEqual([]);
    for (const [baseline, checks] of Object.entries(result.dominance)) expect([baseline, failures(checks)]).toEqual([baseline, []]);
  });
});

describe('scheduling benchmark determinism', () => {
  it('same scenario and seed give byte-identical output', { timeout: 60_000 }, () => {
    const once = toJson(runBenchmark(scenarioA, { seeds: [42], strategies: ['hub', 'p2c-peak-ewma'] }));
    const twice = toJson(runBenchmark(scenarioA, { seeds: [42], strategies: ['hub', 'p2c-peak-ewma'] }));
    expect(once).toBe(twice);
    expect(JSON.parse(once)).toMatchObject({ scenario: 'A', seeds: [42] });
  });
});
