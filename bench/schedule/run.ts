/**
 * npm run bench:schedule -- --scenario <file.json> [--seeds 42,7] [--clean] [--json]
 * npm run bench:schedule -- --decision-cost
 *
 * Exit code 0 when every gate and dominance condition holds, 1 otherwise.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenchmark } from './benchmark.js';
import { runDecisionCost } from './decision-cost.js';
import { toJson, toText } from './report.js';
import { loadScenario } from './scenario.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Scenario A: the shared copy beside the repository, else the bundled one. */
export function defaultScenarioPath(): string {
  const shared = resolve(here, '../../../shared/scheduling/scenario-a.json');
  return existsSync(shared) ? shared : resolve(here, 'scenarios/scenario-a.json');
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(args: string[]): number {
  if (args.includes('--decision-cost')) {
    console.log(runDecisionCost());
    return 0;
  }
  const file = arg(args, '--scenario') ?? defaultScenarioPath();
  const scenario = loadScenario(file);
  const seedsArg = arg(args, '--seeds');
  const seeds = seedsArg ? seedsArg.split(',').map((s) => Number.parseInt(s.trim(), 10)) : undefined;
  if (seeds?.some((s) => !Number.isInteger(s))) throw new Error(`--seeds: expected integers separated by commas, got "${seedsArg}"`);
  const result = runBenchmark(scenario, { ...(seeds ? { seeds } : {}), clean: args.includes('--clean') });
  console.log(args.includes('--json') ? toJson(result) : toText(result));
  return result.gatesPass && result.dominancePass ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
