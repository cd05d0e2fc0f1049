/**
 * The scheduler's tuning file (`ZHONGSHU_SCHEDULER_CONFIG=path.yaml`): ladders, score weights,
 * breaker, gray release… — any subset of the defaults in gateway/scheduler/scheduler-config.ts,
 * merged over them. Checked against the defaults' shape: an unknown key or a value of the wrong
 * type is an error naming its path and line.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { SchedulerConfigInput } from '../gateway/scheduler/index.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { locate } from './hub-file.js';

type Path = (string | number)[];

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/** Compares `input` with the shape of `defaults`, collecting issues. */
function checkShape(input: unknown, defaults: unknown, path: Path, issues: { path: Path; message: string }[]): void {
  const want = typeOf(defaults);
  const got = typeOf(input);
  if (want !== got) {
    issues.push({ path, message: `expected ${want === 'object' ? 'a mapping' : want === 'array' ? 'a list' : `a ${want}`}, got ${got}` });
    return;
  }
  if (want === 'array') {
    const sample = (defaults as unknown[])[0];
    if (sample !== undefined) (input as unknown[]).forEach((item, i) => checkShape(item, sample, [...path, i], issues));
    return;
  }
  if (want !== 'object') return;
  const known = defaults as Record<string, unknown>;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (!(key in known)) {
      issues.push({ path: [...path, key], message: `unknown setting; expected one of ${Object.keys(known).join(', ')}` });
      continue;
    }
    checkShape(value, known[key], [...path, key], issues);
  }
}

export function parseSchedulerConfig(text: string, defaults: object, source = 'scheduler config'): SchedulerConfigInput {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new ConfigError(`${source}: not valid YAML`, doc.errors.map((e) => ({ path: '(file)', message: e.message })), source);
  }
  const value: unknown = doc.toJS() ?? {};
  const found: { path: Path; message: string }[] = [];
  checkShape(value, defaults, [], found);
  if (found.length > 0) {
    const issues: ConfigIssue[] = found.map((f) => ({ path: f.path.join('.') || '(root)', message: f.message, ...locate(doc, lines, f.path) }));
    throw new ConfigError(`${source}: invalid scheduler settings`, issues, source);
  }
  return value as SchedulerConfigInput;
}

export async function readSchedulerConfig(path: string, defaults: object): Promise<SchedulerConfigInput> {
  return parseSchedulerConfig(await readFile(path, 'utf8'), defaults, path);
}
