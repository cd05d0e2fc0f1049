/**
 * Small building blocks vendor quirk functions share (clamping, stripping fields).
 * Each returns a new body; the input is not modified.
 */
import type { JsonObject, JsonValue } from '../../core/chat.js';

/** Clamps a numeric body field into [min, max]; absent or non-numeric fields are left alone. */
export function clampBodyNumber(body: JsonObject, key: string, min: number, max: number): JsonObject {
  const value = body[key];
  if (typeof value !== 'number') return body;
  const clamped = Math.min(max, Math.max(min, value));
  return clamped === value ? body : { ...body, [key]: clamped };
}

/** Removes fields from every message object of `body.messages`. */
export function stripMessageFields(body: JsonObject, fields: readonly string[]): JsonObject {
  const messages = body.messages;
  if (!Array.isArray(messages)) return body;
  const stripped: JsonValue[] = messages.map((m) => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return m;
    const copy: JsonObject = { ...m };
    for (const f of fields) delete copy[f];
    return copy;
  });
  return { ...body, messages: stripped };
}

/** Removes top-level body fields. */
export function omitBodyFields(body: JsonObject, fields: readonly string[]): JsonObject {
  const copy: JsonObject = { ...body };
  for (const f of fields) delete copy[f];
  return copy;
}
