/**
 * Minimal valid JSON for a JSON Schema: what the simulator puts in tool-call arguments and
 * json_schema answers. Objects get their required properties (all properties when the schema
 * lists none as required); strings, numbers and arrays respect the usual bounds; local
 * `$ref`s (`#/$defs/X`, `#/definitions/X`) resolve against the root.
 */
import type { JsonObject, JsonValue } from '../../core/chat.js';
import type { Rng } from './simulator-random.js';
import { SAMPLE_STRINGS } from './simulator-vocabulary.js';

type Schema = { [key: string]: unknown };

const MAX_DEPTH = 8;

function asSchema(value: unknown): Schema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function sampleFromSchema(schema: unknown, rng: Rng): JsonValue {
  return sample(asSchema(schema) ?? {}, asSchema(schema) ?? {}, rng, 0, undefined);
}

function resolveRef(ref: string, root: Schema): Schema {
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m) return {};
  return asSchema(asSchema(root[m[1] as string])?.[m[2] as string]) ?? {};
}

function mergeAllOf(schema: Schema, root: Schema): Schema {
  const parts = (schema.allOf as unknown[]).map((s) => asSchema(s) ?? {});
  const merged: Schema = { ...schema, allOf: undefined };
  const properties: Schema = { ...(asSchema(schema.properties) ?? {}) };
  const required = new Set<string>(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (let part of parts) {
    if (typeof part.$ref === 'string') part = resolveRef(part.$ref, root);
    Object.assign(properties, asSchema(part.properties) ?? {});
    if (Array.isArray(part.required)) for (const r of part.required as string[]) required.add(r);
    if (part.type !== undefined && merged.type === undefined) merged.type = part.type;
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function typeOf(schema: Schema): string {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t.find((x) => x !== 'null') as string | undefined) ?? 'null';
  if (schema.properties !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'string';
}

function sample(schema: Schema, root: Schema, rng: Rng, depth: number, propName: string | undefined): JsonValue {
  if (depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === 'string') return sample(resolveRef(schema.$ref, root), root, rng, depth + 1, propName);
  if (schema.const !== undefined) return schema.const as JsonValue;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return rng.pick(schema.enum as JsonValue[]);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const nonNull = options.map(asSchema).find((o) => o !== undefined && o.type !== 'null');
      return sample(nonNull ?? {}, root, rng, depth + 1, propName);
    }
  }
  if (Array.isArray(schema.allOf)) return sample(mergeAllOf(schema, root), root, rng, depth + 1, propName);
  switch (typeOf(schema)) {
    case 'object':
      return sampleObject(schema, root, rng, depth);
    case 'array':
      return sampleArray(schema, root, rng, depth, propName);
    case 'integer':
      return sampleNumber(schema, rng, true);
    case 'number':
      return sampleNumber(schema, rng, false);
    case 'boolean':
      return rng.next() < 0.5;
    case 'null':
      return null;
    default:
      return sampleString(schema, rng, propName);
  }
}

function sampleObject(schema: Schema, root: Schema, rng: Rng, depth: number): JsonObject {
  const properties = asSchema(schema.properties) ?? {};
  const keys = Array.isArray(schema.required) ? (schema.required as unknown[]).filter((k): k is string => typeof k === 'string') : Object.keys(properties);
  const out: JsonObject = {};
  for (const key of keys) out[key] = sample(asSchema(properties[key]) ?? {}, root, rng, depth + 1, key);
  return out;
}

function sampleArray(schema: Schema, root: Schema, rng: Rng, depth: number, propName: string | undefined): JsonValue[] {
  const min = num(schema.minItems) ?? 1;
  const max = num(schema.maxItems) ?? Math.max(min, 1);
  const count = Math.min(Math.max(min, 1), max);
  const items = asSchema(schema.items) ?? {};
  return Array.from({ length: count }, () => sample(items, root, rng, depth + 1, propName));
}

function sampleNumber(schema: Schema, rng: Rng, integer: boolean): number {
  let lo = num(schema.minimum) ?? (num(schema.exclusiveMinimum) !== undefined ? (num(schema.exclusiveMinimum) as number) + (integer ? 1 : 0.5) : 1);
  let hi = num(schema.maximum) ?? (num(schema.exclusiveMaximum) !== undefined ? (num(schema.exclusiveMaximum) as number) - (integer ? 1 : 0.5) : lo + 99);
  if (hi < lo) hi = lo;
  if (integer) {
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
    return hi < lo ? lo : rng.int(lo, hi);
  }
  return Math.round((lo + rng.next() * (hi - lo)) * 10) / 10 || lo;
}

const FORMATS: Readonly<Record<string, string>> = {
  date: '2025-01-01',
  'date-time': '2025-01-01T08:00:00Z',
  time: '08:00:00',
  email: 'user@example.com',
  uri: 'https://example.com',
  url: 'https://example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
};

function sampleString(schema: Schema, rng: Rng, propName: string | undefined): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  let value = format;
  if (value === undefined) {
    const hint = (propName ?? '').toLowerCase();
    const pool =
      /city|location|place|地/.test(hint) ? SAMPLE_STRINGS.city
      : /name/.test(hint) ? SAMPLE_STRINGS.name
      : /query|question|keyword|topic/.test(hint) ? SAMPLE_STRINGS.query
      : SAMPLE_STRINGS.generic;
    value = rng.pick(pool ?? ['example']);
  }
  const minLength = num(schema.minLength) ?? 0;
  const maxLength = num(schema.maxLength);
  if (value.length < minLength) value = value.padEnd(minLength, 'x');
  if (maxLength !== undefined && value.length > maxLength) value = value.slice(0, maxLength);
  return value;
}
