/**
 * Fast shape checks for the two upstream payloads parsed on every request: a stream chunk and a
 * non-stream chat completion. They accept only the common, plainly valid shapes — strings,
 * numbers, nulls where the zod schemas (openai-compatible-response.ts) allow them — and return
 * `undefined` for anything else, so the schema decides every unusual case and keeps producing
 * its errors. A payload they accept is one the schema accepts with the same meaning (unknown
 * fields are ignored by both); test/providers/openai-fast-shape.test.ts checks this.
 */
import type { OpenAiChunk, OpenAiCompletion } from './openai-compatible-response.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isOptString = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
const isOptNumber = (v: unknown): boolean => v === undefined || v === null || typeof v === 'number';
/** Tool calls are rare: they go to the schema. */
const isAbsent = (v: unknown): boolean => v === undefined || v === null;

function numbersOnly(v: unknown, keys: readonly string[]): boolean {
  if (isAbsent(v)) return true;
  if (!isObject(v)) return false;
  for (const k of keys) if (!isOptNumber(v[k])) return false;
  return true;
}

const USAGE_COUNTS = ['prompt_tokens', 'completion_tokens', 'total_tokens', 'prompt_cache_hit_tokens'] as const;

/** Absent, or the usage object with numeric (or null) counts. */
function plainUsage(u: unknown): boolean {
  if (isAbsent(u)) return true;
  return numbersOnly(u, USAGE_COUNTS)
    && numbersOnly((u as Json).prompt_tokens_details, ['cached_tokens'])
    && numbersOnly((u as Json).completion_tokens_details, ['reasoning_tokens']);
}

function plainHeader(json: Json): boolean {
  return isOptString(json.id) && isOptString(json.model) && isOptNumber(json.created) && plainUsage(json.usage);
}

/** A chunk carrying text/reasoning deltas, finish reasons and usage; no tool calls. */
export function plainChunk(json: unknown): OpenAiChunk | undefined {
  if (!isObject(json) || !plainHeader(json)) return undefined;
  const choices = json.choices;
  if (choices === undefined || choices === null) return json as OpenAiChunk;
  if (!Array.isArray(choices)) return undefined;
  for (const choice of choices as unknown[]) {
    if (!isObject(choice) || !isOptString(choice.finish_reason) || !plainUsage(choice.usage)) return undefined;
    const delta = choice.delta;
    if (isAbsent(delta)) continue;
    if (!isObject(delta) || !isOptString(delta.content) || !isOptString(delta.reasoning_content) || !isAbsent(delta.tool_calls)) {
      return undefined;
    }
  }
  return json as OpenAiChunk;
}

/** A completion whose choices hold plain messages (string or null content, no tool calls). */
export function plainCompletion(json: unknown): OpenAiCompletion | undefined {
  if (!isObject(json) || !plainHeader(json) || !Array.isArray(json.choices)) return undefined;
  for (const choice of json.choices as unknown[]) {
    if (!isObject(choice) || !isOptString(choice.finish_reason)) return undefined;
    const message = choice.message;
    if (!isObject(message) || !isOptString(message.content) || !isOptString(message.reasoning_content) || !isAbsent(message.tool_calls)) {
      return undefined;
    }
  }
  return json as OpenAiCompletion;
}
