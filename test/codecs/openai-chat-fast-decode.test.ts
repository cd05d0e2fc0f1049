/**
 * The hand-written fast path of the OpenAI chat decoder against the zod schema, on seeded
 * corpora of generated bodies (valid ones; ones whose fields sometimes sit just across a schema
 * boundary; valid ones mutated at random paths):
 * - the fast path never accepts a body the schema rejects;
 * - it accepts every body the schema accepts (the corpora have no own `__proto__` keys), so
 *   real traffic takes it;
 * - `parseOpenAiChatRequest` gives exactly the schema path's result (deep, strict, key order)
 *   or exactly its error (code, message, param, status).
 */
import { describe, expect, it } from 'vitest';
import { HubError } from '../../src/core/errors.js';
import { mulberry32 } from '../../src/lib/prng.js';
import { fastDecodeOpenAiChatBody } from '../../src/http/v1/openai/openai-chat-fast-decode.js';
import { parseOpenAiChatRequest, parseOpenAiChatRequestBySchema } from '../../src/http/v1/openai/openai-chat-request.js';
import { openAiChatBodySchema } from '../../src/http/v1/openai/openai-chat-schema.js';

type Rnd = () => number;
type Json = unknown;
type Obj = Record<string, Json>;

const WORDS = ['', 'a', 'hi', 'Hello, world', 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(128), 'x'.repeat(129), '😀', '\u0000'];
const TEXTS = WORDS.filter((w) => w !== '');
const NOT_STRINGS: readonly Json[] = [1, true, [], {}, null];

/**
 * Body generator. With `bad` = 0 every body is one the schema accepts (or refuses only
 * semantically: `n` > 1, `tool_choice` against `tools`); with `bad` > 0 each field draws, with
 * that probability, a value just across one of the schema's boundaries instead.
 */
class Gen {
  constructor(
    readonly rnd: Rnd,
    readonly bad: number,
  ) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rnd() * items.length)] as T;
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.rnd() * (max - min + 1));
  }

  times<T>(min: number, max: number, make: () => T): T[] {
    return Array.from({ length: this.int(min, max) }, make);
  }

  /** A valid value, or (with probability `bad`) one of `invalid`. */
  v(valid: () => Json, invalid: readonly Json[]): Json {
    return this.bad > 0 && this.chance(this.bad) ? this.pick(invalid) : valid();
  }

  /** Sets an optional field with probability `p`: a value, sometimes an explicit null. */
  opt(o: Obj, key: string, p: number, valid: () => Json, invalid: readonly Json[]): void {
    if (!this.chance(p)) return;
    o[key] = this.chance(0.1) ? null : this.v(valid, invalid);
  }
}

function textPart(g: Gen): Obj {
  return g.v(
    () => ({ type: 'text', text: g.pick(WORDS) }),
    [{ type: 'text' }, { type: 'text', text: 1 }, { type: 1, text: 'a' }, { text: 'a' }, 'text', null, ['text']],
  ) as Obj;
}

function imagePart(g: Gen): Obj {
  const image: Obj = { url: g.v(() => g.pick(TEXTS), ['', 1, null]) };
  g.opt(image, 'detail', 0.5, () => g.pick(['auto', 'low', 'high']), ['', 'LOW', 'medium', 1]);
  const part = g.chance(0.2) ? { image_url: image, type: 'image_url', extra: 1 } : { type: 'image_url', image_url: image };
  return g.v(() => part, [{ type: 'image_url' }, { type: 'image_url', image_url: 'https://x' }, { type: 'image_url', image_url: [] }]) as Obj;
}

function userPart(g: Gen): Obj {
  const k = g.rnd();
  if (k < 0.4) return textPart(g);
  if (k < 0.75) return imagePart(g);
  // Part types the hub does not model travel as opaque parts (keys in any order, extras kept).
  return g.pick([
    () => ({ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }),
    () => ({ file: { file_id: 'f1' }, type: 'file', note: null, gone: undefined }),
    () => ({ type: '' }),
  ])();
}

function textContent(g: Gen): Json {
  const content = g.chance(0.6) ? g.pick(WORDS) : g.times(0, 3, () => textPart(g));
  return g.v(() => content, [1, null, undefined, {}, [{ type: 'image_url', image_url: { url: 'x' } }], [{ type: 'refusal', refusal: 'no' }]]);
}

function toolCall(g: Gen): Obj {
  const fn: Obj = {
    name: g.v(() => g.pick(['lookup', 'weather']), ['', 1, undefined]),
    arguments: g.v(() => g.pick(['', '{}', '{"q":1}']), [1, null, undefined, {}]),
  };
  const call: Obj = { id: g.v(() => `call_${g.int(1, 9)}`, ['', 1, null, undefined]), function: g.v(() => fn, [null, 'f', [], undefined]) };
  if (g.chance(0.7)) call.type = g.v(() => 'function', [null, 'tool', '']);
  return call;
}

function assistantContent(g: Gen): Json {
  const k = g.rnd();
  if (k < 0.2) return null;
  if (k < 0.5) return g.pick(WORDS);
  const refusal = () => g.v(() => ({ type: 'refusal', refusal: g.pick(WORDS) }), [{ type: 'refusal' }, { type: 'refusal', refusal: null }]);
  return g.times(0, 3, () => (g.chance(0.3) ? refusal() : textPart(g)));
}

function message(g: Gen): Obj {
  const role = g.v(() => g.pick(['system', 'developer', 'user', 'user', 'assistant', 'tool']), ['function', 'System', '', null, undefined]);
  const m: Obj = { role };
  if (role === 'system' || role === 'developer') m.content = textContent(g);
  if (role === 'user') {
    m.content = g.v(() => (g.chance(0.5) ? g.pick(WORDS) : g.times(0, 4, () => userPart(g))), [1, null, undefined, {}, [null]]);
  }
  if (role === 'assistant') {
    const content = assistantContent(g);
    if (content !== null || g.chance(0.5)) m.content = g.v(() => content, [1, {}, [{ type: 'image_url', image_url: { url: 'x' } }]]);
    g.opt(m, 'tool_calls', 0.4, () => g.times(0, 2, () => toolCall(g)), [{}, 'call', [null]]);
    g.opt(m, 'reasoning_content', 0.3, () => g.pick(WORDS), NOT_STRINGS);
  }
  if (role === 'tool') {
    m.tool_call_id = g.v(() => g.pick(['call_1', 'c']), ['', 1, null, undefined]);
    m.content = textContent(g);
  } else {
    g.opt(m, 'name', 0.2, () => g.pick(WORDS), NOT_STRINGS);
  }
  g.opt(m, 'cache_control', 0.05, () => ({ type: 'ephemeral' }), []);
  return m;
}

const SCHEMA_OBJECTS: readonly Json[] = [{}, { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }, { '2': 1, b: undefined, a: [] }];
const NOT_RECORDS: readonly Json[] = [[], 'x', 1, true, new Date(0)];

function tool(g: Gen): Obj {
  const fn: Obj = { name: g.v(() => g.pick(['lookup', 'weather', 'x'.repeat(128)]), ['', 'x'.repeat(129), 1, undefined]) };
  g.opt(fn, 'description', 0.3, () => g.pick(WORDS), NOT_STRINGS);
  g.opt(fn, 'parameters', 0.6, () => g.pick(SCHEMA_OBJECTS), NOT_RECORDS);
  g.opt(fn, 'strict', 0.3, () => g.chance(0.5), ['true', 1]);
  return { type: g.v(() => 'function', ['tool', undefined, null]), function: g.v(() => fn, [null, [], 'f']) };
}

function responseFormat(g: Gen): Json {
  const type = g.pick(['text', 'json_object', 'json_schema', 'json_schema']);
  if (type !== 'json_schema') return g.v(() => ({ type }), [{ type: 'xml' }, {}, 'text', { type: 'json_schema' }]);
  const js: Obj = { name: g.v(() => g.pick(['out', 'x'.repeat(64)]), ['', 'x'.repeat(65), 1, undefined]) };
  g.opt(js, 'description', 0.3, () => g.pick(WORDS), NOT_STRINGS);
  g.opt(js, 'schema', 0.7, () => g.pick(SCHEMA_OBJECTS), NOT_RECORDS);
  g.opt(js, 'strict', 0.3, () => g.chance(0.5), ['yes', 0]);
  return { type, json_schema: g.v(() => js, [null, 'out', []]) };
}

function hubExtension(g: Gen): Json {
  const z: Obj = {};
  g.opt(z, 'biz_level', 0.5, () => g.pick(['premium', 'normal', 'economy']), ['vip', '', 1]);
  g.opt(z, 'prefer_cost', 0.5, () => g.pick(['low', 'high']), ['mid', 'LOW']);
  g.opt(z, 'capabilities', 0.5, () => g.times(0, 32, () => g.pick(['vision', 'code', 'json'])), [
    Array.from({ length: 33 }, () => 'vision'), [''], 'vision', [1],
  ]);
  g.opt(z, 'end_user', 0.5, () => g.pick(['u-1', 'x'.repeat(256)]), ['', 'x'.repeat(257), 7]);
  if (g.bad > 0 && g.chance(g.bad)) z[g.pick(['biz_levl', 'endUser', 'foo'])] = g.pick([undefined, 'x']);
  return g.v(() => z, ['premium', [], 1]);
}

/** Valid values of a bounded number field, and the values just outside (or not numbers). */
function num(g: Gen, valid: readonly number[], invalid: readonly Json[]): () => Json {
  return () => g.v(() => g.pick(valid), [...invalid, NaN, Infinity, '1', true]);
}

function body(g: Gen): Obj {
  const b: Obj = {
    model: g.v(() => g.pick(TEXTS), ['', 1, null, undefined]),
    messages: g.v(() => g.times(1, 5, () => message(g)), [[], {}, 'hi', null, undefined]),
  };
  g.opt(b, 'stream', 0.3, () => g.chance(0.5), ['true', 1]);
  g.opt(b, 'stream_options', 0.3, () => (g.chance(0.8) ? { include_usage: g.v(() => g.chance(0.7), ['yes', 1]) } : {}), ['x', [], true]);
  g.opt(b, 'max_tokens', 0.3, num(g, [1, 64, 4096], [0, -1, 1.5, 2 ** 53]), []);
  g.opt(b, 'max_completion_tokens', 0.3, num(g, [1, 200], [0, 2.5, -3]), []);
  g.opt(b, 'temperature', 0.3, num(g, [0, -0, 0.2, 1, 2], [-0.001, 2.001, -1]), []);
  g.opt(b, 'top_p', 0.3, num(g, [0, 0.9, 1], [1.01, -0.01]), []);
  g.opt(b, 'top_k', 0.3, num(g, [1, 40], [0, 1.5]), []);
  g.opt(b, 'n', 0.3, num(g, [1, 1, 2], [0, 1.5, -1]), []);
  g.opt(b, 'stop', 0.3, () => (g.chance(0.4) ? g.pick(WORDS) : g.times(0, 4, () => g.pick(WORDS))), [['a', 'b', 'c', 'd', 'e'], [1], 1, {}]);
  g.opt(b, 'seed', 0.3, num(g, [0, 7, -5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER], [2 ** 53, -(2 ** 53), 0.5]), []);
  g.opt(b, 'presence_penalty', 0.3, num(g, [-2, -0.5, 0, 2], [-2.01, 2.01]), []);
  g.opt(b, 'frequency_penalty', 0.3, num(g, [-2, 0.5, 2], [-3, 3]), []);
  g.opt(b, 'tools', 0.3, () => g.times(0, 3, () => tool(g)), [{}, 'tools', Array.from({ length: 129 }, () => ({ type: 'function', function: { name: 'f' } }))]);
  const choices = ['none', 'auto', 'required', { type: 'function', function: { name: g.pick(['lookup', 'other']) } }];
  g.opt(b, 'tool_choice', 0.2, () => g.pick(choices), ['any', '', { type: 'function', function: { name: '' } }, { type: 'tool', function: { name: 'f' } }, { type: 'function' }, {}]);
  g.opt(b, 'parallel_tool_calls', 0.1, () => g.chance(0.5), ['false']);
  g.opt(b, 'response_format', 0.2, () => responseFormat(g), []);
  g.opt(b, 'reasoning_effort', 0.2, () => g.pick(['minimal', 'low', 'medium', 'high', 'xhigh', '']), NOT_STRINGS);
  g.opt(b, 'user', 0.3, () => g.pick(WORDS), NOT_STRINGS);
  g.opt(b, 'zhongshu', 0.3, () => hubExtension(g), []);
  g.opt(b, 'logprobs', 0.1, () => g.chance(0.5), ['true']);
  g.opt(b, 'top_logprobs', 0.1, num(g, [0, 5, 20], [21, -1, 1.5]), []);
  g.opt(b, 'logit_bias', 0.1, () => ({ '50256': -100, '1': 2.5 }), [{ a: 'x' }, { a: null }, ...NOT_RECORDS]);
  g.opt(b, 'metadata', 0.1, () => ({ team: 'a', '0': '' }), [{ a: 1 }, { a: null }, ...NOT_RECORDS]);
  g.opt(b, 'store', 0.1, () => g.chance(0.5), [0]);
  g.opt(b, 'service_tier', 0.1, () => 'default', NOT_STRINGS);
  g.opt(b, 'enable_thinking', 0.1, () => g.chance(0.5), []);
  g.opt(b, 'extra_vendor', 0.05, () => ({ nested: [1, 'two'] }), []);
  return b;
}

/** Values that sit on or across the schema's boundaries. */
const PALETTE: readonly Json[] = [
  undefined, null, '', 'x', 'text', 'image_url', 'refusal', 'function', 'auto', 'user', 'tool', 'premium', 'low',
  'x'.repeat(65), 'x'.repeat(129), 'x'.repeat(257), 0, -0, 1, -1, 0.5, 1.5, 2, 2.5, -2.5, 20, 21, 128, 2 ** 53, NaN, Infinity,
  true, false, [], [''], ['a'], ['a', 'b', 'c', 'd', 'e'], Array.from({ length: 33 }, () => 'c'), {}, { type: 'text' },
  { type: 'text', text: 't' }, { type: 'image_url', image_url: { url: '' } }, { type: 'function', function: { name: '' } },
  { type: 'function', function: { name: 'lookup' } }, { role: 'user', content: 'hi' }, { include_usage: 1 }, new Date(0),
];
const EXTRA_KEYS = ['foo', 'type', 'role', 'content', 'name', 'text', 'url', 'detail', 'id', 'function', 'biz_levl', 'schema', 'n', 'stop'];

type Path = Array<string | number>;

/** Every node below the root, as a path (arrays by index, objects by key). */
function paths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) value.forEach((v, i) => { out.push([...prefix, i]); paths(v, [...prefix, i], out); });
  else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const key of Object.keys(value)) { out.push([...prefix, key]); paths((value as Obj)[key], [...prefix, key], out); }
  }
  return out;
}

function parentOf(root: Obj, path: Path): Record<string | number, Json> {
  let node: Json = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, Json>)[key];
  return node as Record<string | number, Json>;
}

/** The body with one random change: a value replaced, a key or element removed, or a key added. */
function mutate(g: Gen, body: Obj): Obj {
  const b = structuredClone(body);
  const path = g.pick(paths(b));
  const parent = parentOf(b, path);
  const key = path.at(-1) as string | number;
  const k = g.rnd();
  if (k < 0.65) parent[key] = g.pick(PALETTE);
  else if (k < 0.85) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else {
    const target = parent[key];
    const host = typeof target === 'object' && target !== null && !Array.isArray(target) ? (target as Obj) : b;
    host[g.pick(EXTRA_KEYS)] = g.pick(PALETTE);
  }
  return b;
}

type Outcome = { ok: unknown } | { error: { code: string; message: string; param: string | undefined; status: number } };

function outcome(run: () => unknown): Outcome {
  try {
    return { ok: run() };
  } catch (err) {
    if (!(err instanceof HubError)) throw err;
    return { error: { code: err.code, message: err.message, param: err.param, status: err.status } };
  }
}

/** JSON text of an outcome, to compare key order too (undefined and -0 are checked by toStrictEqual). */
const text = (o: Outcome): string => JSON.stringify(o);

interface Tally {
  fastAccepted: number;
  schemaValid: number;
  schemaInvalid: number;
}

/** Safety and equality on one body; the tally lets a corpus assert completeness. */
function check(body: Obj, label: string, tally: Tally): void {
  const schemaValid = openAiChatBodySchema.safeParse(body).success;
  const fast = fastDecodeOpenAiChatBody(body);
  if (fast !== undefined && !schemaValid) throw new Error(`${label}: fast path accepted a body zod rejects: ${JSON.stringify(body)}`);
  const bySchema = outcome(() => parseOpenAiChatRequestBySchema(body));
  const combined = outcome(() => parseOpenAiChatRequest(body));
  expect(combined, label).toStrictEqual(bySchema);
  expect(text(combined), label).toBe(text(bySchema));
  if (fast !== undefined) tally.fastAccepted++;
  if (schemaValid) tally.schemaValid++;
  else tally.schemaInvalid++;
}

describe('OpenAI chat fast path ≡ zod schema path', () => {
  it('agrees on 2,000 generated valid bodies and takes every one of them', () => {
    const g = new Gen(mulberry32(20_261_126), 0);
    const tally: Tally = { fastAccepted: 0, schemaValid: 0, schemaInvalid: 0 };
    for (let i = 0; i < 2_000; i++) check(body(g), `valid #${i}`, tally);
    expect(tally.schemaInvalid).toBe(0);
    expect(tally.fastAccepted).toBe(2_000);
  });

  it('agrees on 6,000 bodies with values across the boundaries: declines every one zod rejects', () => {
    const g = new Gen(mulberry32(77), 0.04);
    const tally: Tally = { fastAccepted: 0, schemaValid: 0, schemaInvalid: 0 };
    for (let i = 0; i < 6_000; i++) check(body(g), `boundary #${i}`, tally);
    expect(tally.schemaInvalid).toBeGreaterThan(2_500);
    expect(tally.schemaValid).toBeGreaterThan(2_000);
    expect(tally.fastAccepted).toBe(tally.schemaValid);
  });

  it('agrees on 6,000 bodies mutated at random paths: declines every one zod rejects', () => {
    const g = new Gen(mulberry32(5), 0);
    const tally: Tally = { fastAccepted: 0, schemaValid: 0, schemaInvalid: 0 };
    for (let i = 0; i < 6_000; i++) {
      let b = body(g);
      for (let m = g.int(1, 2); m > 0; m--) b = mutate(g, b);
      check(b, `mutated #${i}`, tally);
    }
    expect(tally.schemaInvalid).toBeGreaterThan(3_500);
    expect(tally.schemaValid).toBeGreaterThan(1_000);
    expect(tally.fastAccepted).toBe(tally.schemaValid);
  });

  it('leaves bodies with own __proto__ keys or symbol keys to the schema, with the same result', () => {
    const tally: Tally = { fastAccepted: 0, schemaValid: 0, schemaInvalid: 0 };
    const base = '"model":"m","messages":[{"role":"user","content":[{"type":"file","__proto__":{"x":1},"a":1}]}]';
    const proto = [
      `{${base},"tools":[{"type":"function","function":{"name":"f","parameters":{"__proto__":{"x":1},"type":"object"}}}]}`,
      `{${base},"response_format":{"type":"json_schema","json_schema":{"name":"o","schema":{"__proto__":{}}}}}`,
      `{${base},"metadata":{"__proto__":"x"}}`,
      `{${base},"zhongshu":{"__proto__":{"biz_level":"premium"}}}`,
    ].map((t) => JSON.parse(t) as Obj);
    for (const [i, body] of proto.entries()) {
      expect(fastDecodeOpenAiChatBody(body), `proto #${i}`).toBeUndefined();
      check(body, `proto #${i}`, { fastAccepted: 0, schemaValid: 0, schemaInvalid: 0 });
    }
    const symbolKeyed = { model: 'm', messages: [{ role: 'user', content: 'x' }], metadata: { [Symbol('k')]: 'v' } };
    expect(fastDecodeOpenAiChatBody(symbolKeyed)).toBeUndefined();
    // An opaque part's own __proto__ key is dropped by both paths (the part copy skips it).
    const opaque = JSON.parse(`{${base}}`) as Obj;
    check(opaque, 'opaque __proto__', tally);
    expect(tally.fastAccepted).toBe(1);
  });

  it('takes the load generator body and gives the documented canonical request', () => {
    const body = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      max_tokens: 64,
      temperature: 0.2,
      stream: true,
      stream_options: { include_usage: true },
    };
    const fast = fastDecodeOpenAiChatBody(body);
    expect(fast?.messages).toStrictEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(parseOpenAiChatRequest(body).request).toStrictEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      stream: true,
      includeUsage: true,
      maxTokens: 64,
      temperature: 0.2,
    });
  });
});
