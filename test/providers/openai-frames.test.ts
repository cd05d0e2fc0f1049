/**
 * OpenAI-format pass-through frames: the plain-chunk classifier, the batching of plain chunks
 * into `openai-frames` events, the spec/call gating, and the consumers (encoders, accumulator).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest, ChatStreamEvent, OpenAiFramesEvent } from '../../src/core/chat.js';
import type { Egress } from '../../src/core/egress.js';
import { HubError } from '../../src/core/errors.js';
import type { ProviderAdapter, UpstreamCall } from '../../src/core/provider.js';
import { createEgress } from '../../src/egress/index.js';
import { OutputAccumulator } from '../../src/gateway/accounting/output-accumulator.js';
import { AnthropicStreamEncoder } from '../../src/http/v1/anthropic/anthropic-stream-encoder.js';
import { OpenAiStreamEncoder } from '../../src/http/v1/openai/openai-stream-encoder.js';
import { createDeepSeekAdapter } from '../../src/providers/deepseek/deepseek-adapter.js';
import { createOpenAiAdapter, OPENAI_SPEC } from '../../src/providers/openai/openai-adapter.js';
import { createOpenAiCompatibleProviderAdapter } from '../../src/providers/openai-compatible/openai-compatible-adapter.js';
import { createQwenAdapter } from '../../src/providers/qwen/qwen-adapter.js';
import { readOpenAiStream } from '../../src/providers/shared/openai-compatible-stream.js';
import { isPlainMiddleChunk, openAiFramesEvent, PlainChunkClassifier } from '../../src/providers/shared/openai-frames.js';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';

const head = { id: 'c1', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-x', system_fingerprint: 'fp_1' };
const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
  JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra });
const text = (content: string, extra: object = {}) => chunk({ content }, null, extra);

describe('isPlainMiddleChunk', () => {
  it('accepts a text content delta without finish reason, as OpenAI and compatible servers send it', () => {
    expect(isPlainMiddleChunk(text('Hello'))).toBe(true);
    expect(isPlainMiddleChunk(text('Hello', { usage: null }))).toBe(true);
    expect(isPlainMiddleChunk(chunk({ content: 'x', refusal: null }))).toBe(true);
    expect(isPlainMiddleChunk(text(''))).toBe(true);
    expect(isPlainMiddleChunk(`{"id":"a","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}],"obfuscation":"zz"}`)).toBe(true);
  });

  it('refuses chunks the hub must act on or rewrite', () => {
    expect(isPlainMiddleChunk(chunk({ content: 'x' }, 'stop'))).toBe(false);
    expect(isPlainMiddleChunk(chunk({}, 'stop'))).toBe(false);
    expect(isPlainMiddleChunk(text('x', { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }))).toBe(false);
    expect(isPlainMiddleChunk(JSON.stringify({ ...head, choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null, usage: { completion_tokens: 1 } }] }))).toBe(false);
    expect(isPlainMiddleChunk(chunk({ content: 'x', tool_calls: [{ index: 0, function: { arguments: '{' } }] }))).toBe(false);
    expect(isPlainMiddleChunk(chunk({ content: 'x', function_call: { name: 'f' } }))).toBe(false);
    expect(isPlainMiddleChunk(chunk({ content: 'x', reasoning_content: 'think' }))).toBe(false);
    expect(isPlainMiddleChunk(chunk({ content: 'x', reasoning_content: null }))).toBe(false);
    expect(isPlainMiddleChunk(chunk({ content: 'x', reasoning: 'think' }))).toBe(false);
    expect(isPlainMiddleChunk(chunk({ content: 'x', refusal: 'I cannot' }))).toBe(false);
    expect(isPlainMiddleChunk(text('x', { error: { message: 'boom' } }))).toBe(false);
    // Not a string content delta first.
    expect(isPlainMiddleChunk(chunk({ content: null }))).toBe(false);
    expect(isPlainMiddleChunk(chunk({ role: 'assistant', content: 'x' }))).toBe(false);
    expect(isPlainMiddleChunk(chunk({ content: ['x'] }))).toBe(false);
    // No finish_reason at all, or two of them.
    expect(isPlainMiddleChunk(`{"choices":[{"index":0,"delta":{"content":"x"}}]}`)).toBe(false);
    expect(isPlainMiddleChunk(`{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null},{"index":1,"delta":{},"finish_reason":"stop"}]}`)).toBe(false);
    expect(isPlainMiddleChunk(`{"x":{"finish_reason":null},"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}`)).toBe(false);
    // Whitespace between keys and values, line breaks, not an object.
    expect(isPlainMiddleChunk(JSON.stringify(JSON.parse(text('x')), null, 1))).toBe(false);
    expect(isPlainMiddleChunk(`{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason": null}]}`)).toBe(false);
    expect(isPlainMiddleChunk(`{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null,"usage": {"completion_tokens":1}}]}`)).toBe(false);
    expect(isPlainMiddleChunk(`{"choices":[{"index":0,"delta":{"content":"x"},\n"finish_reason":null}]}`)).toBe(false);
    expect(isPlainMiddleChunk(`[{"delta":{"content":"x"},"finish_reason":null}]`)).toBe(false);
  });

  it('is not fooled by content text that looks like the patterns', () => {
    const tricky = [
      '"finish_reason":null',
      'say "finish_reason":"stop" and "usage":{"prompt_tokens":1}',
      '"delta":{"content":"',
      'a \\ backslash and \\" an escaped quote',
      'naïve café — 中文 😀 \u0000 \u2028',
      '"tool_calls" ',
    ];
    for (const content of tricky) {
      const data = text(content);
      expect(isPlainMiddleChunk(data)).toBe(true);
      expect(openAiFramesEvent([data]).text()).toBe(content);
    }
    // A content piece ending in a key-like word only makes the chunk look not plain (safe).
    expect(isPlainMiddleChunk(text('x"usage'))).toBe(true);
    expect(isPlainMiddleChunk(text('x"error'))).toBe(true);
    // A content delta whose text contains a real finish reason pattern, with a real finish reason.
    expect(isPlainMiddleChunk(chunk({ content: '"finish_reason":null' }, 'length'))).toBe(false);
    // Unicode escapes as some servers write them.
    const escaped = `{"id":"a","choices":[{"index":0,"delta":{"content":"caf\\u00e9 \\ud83d\\ude00"},"finish_reason":null}]}`;
    expect(isPlainMiddleChunk(escaped)).toBe(true);
    expect(openAiFramesEvent([escaped]).text()).toBe('café 😀');
  });
});

describe('PlainChunkClassifier (one per stream)', () => {
  it('remembers the last plain prefix and suffix, and still refuses whatever differs', () => {
    const cl = new PlainChunkClassifier();
    expect(cl.isPlain(text('a', { usage: null }))).toBe(true);
    expect(cl.isPlain(text('"b" \\', { usage: null }))).toBe(true);
    // Same prefix, other suffix.
    expect(cl.isPlain(chunk({ content: 'c' }, 'stop', { usage: null }))).toBe(false);
    expect(cl.isPlain(text('c', { usage: { completion_tokens: 1 } }))).toBe(false);
    expect(cl.isPlain(chunk({ content: 'c', tool_calls: [] }, null, { usage: null }))).toBe(false);
    expect(cl.isPlain(text('c', { usage: null }) + ' ')).toBe(false);
    // Same suffix, other prefix.
    const sameSuffix = (prefix: string) => `${prefix}"delta":{"content":"c"},"logprobs":null,"finish_reason":null}],"usage":null}`;
    expect(cl.isPlain(sameSuffix('{"error":{"message":"x"},"choices":[{"index":0,'))).toBe(false);
    expect(cl.isPlain(sameSuffix('{"choices":[{"index":0,"finish_reason":null,'))).toBe(false);
    expect(cl.isPlain(sameSuffix('{"choices":[{"index":0,'))).toBe(true);
    // Content whose only quote after it is escaped never closes.
    expect(cl.isPlain(`{"choices":[{"index":0,"delta":{"content":"abc\\"}}]}`)).toBe(false);
  });
});

describe('openAiFramesEvent', () => {
  it('works out the text lazily and once; a frame that does not parse adds none', () => {
    const data = [text('a'), '{"delta":{"content":"cut', text('b')];
    const ev = openAiFramesEvent(data);
    expect(ev.text()).toBe('ab');
    data.push(text('c'));
    expect(ev.text()).toBe('ab');
  });
});

const enc = new TextEncoder();
const usage = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 };

async function* reads(...texts: string[]): AsyncGenerator<Uint8Array> {
  for (const t of texts) yield enc.encode(t);
}
const sse = (...data: string[]) => data.map((d) => `data: ${d}\n\n`).join('');

async function run(body: AsyncIterable<Uint8Array>, frames: boolean): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const ev of readOpenAiStream(body, { spec: OPENAI_SPEC, model: 'm', requestId: 'r', ...(frames ? { frames: true } : {}) })) events.push(ev);
  return events;
}

const framesOf = (events: ChatStreamEvent[]) => events.filter((e): e is OpenAiFramesEvent => e.type === 'openai-frames').map((e) => e.data);

/** The text of a stream, whether its deltas came as text-delta or openai-frames events. */
function textOf(events: ChatStreamEvent[]): string {
  let out = '';
  for (const e of events) {
    if (e.type === 'text-delta') out += e.text;
    if (e.type === 'openai-frames') out += e.text();
  }
  return out;
}

describe('readOpenAiStream with frames', () => {
  const first = chunk({ role: 'assistant', content: 'Hi' }, null, { usage: null });
  const middle = ['one', ' two', ' "three"', ' 4'].map((t) => text(t, { usage: null }));
  const finish = chunk({}, 'stop', { usage: null });
  const usageChunk = JSON.stringify({ ...head, choices: [], usage });

  it('parses the first chunk; the plain chunks of one read become one event; finish and usage are parsed', async () => {
    const events = await run(reads(sse(first, ...middle, finish, usageChunk, '[DONE]')), true);
    expect(events.map((e) => e.type)).toEqual(['message-start', 'text-delta', 'openai-frames', 'finish', 'usage']);
    expect(framesOf(events)).toEqual([middle]);
    expect(events[1]).toEqual({ type: 'text-delta', text: 'Hi' });
    expect(events.at(-1)).toMatchObject({ type: 'usage', usage: { inputTokens: 9, outputTokens: 3 } });
    // The same text as the parse path.
    const parsed = await run(reads(sse(first, ...middle, finish, usageChunk, '[DONE]')), false);
    expect(parsed.some((e) => e.type === 'openai-frames')).toBe(false);
    expect(textOf(events)).toBe(textOf(parsed));
    expect(textOf(events)).toBe('Hione two "three" 4');
  });

  it('a chunk that is not plain ends a run; each network read has its own events', async () => {
    const reasoning = chunk({ reasoning_content: 'hmm' });
    const events = await run(reads(sse(first, middle[0]!, reasoning, middle[1]!), sse(middle[2]!, middle[3]!), sse(finish, '[DONE]')), true);
    expect(events.map((e) => e.type)).toEqual(['message-start', 'text-delta', 'openai-frames', 'reasoning-delta', 'openai-frames', 'openai-frames', 'finish']);
    expect(framesOf(events)).toEqual([[middle[0]], [middle[1]], [middle[2], middle[3]]]);
  });

  it('never takes the first chunk of a stream, even a plain one', async () => {
    const events = await run(reads(sse(middle[0]!), sse(middle[1]!, finish, '[DONE]')), true);
    expect(events.map((e) => e.type)).toEqual(['message-start', 'text-delta', 'openai-frames', 'finish']);
    expect(events[0]).toMatchObject({ id: 'c1', model: 'gpt-x' });
  });

  it('keeps the frames read before a failure, then throws', async () => {
    const events: ChatStreamEvent[] = [];
    let error: unknown;
    try {
      for await (const ev of readOpenAiStream(reads(sse(first, middle[0]!, text('x', { error: { message: 'overloaded' } }))), { spec: OPENAI_SPEC, model: 'm', requestId: 'r', frames: true })) events.push(ev);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HubError);
    expect(framesOf(events)).toEqual([[middle[0]]]);
  });
});

describe('who gets frames', () => {
  let fake: FakeUpstream;
  let egress: Egress;
  beforeAll(async () => {
    fake = await startOpenAiFake();
    egress = createEgress();
  });
  afterAll(async () => {
    await egress.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const call = (openAiFrames: boolean): UpstreamCall => ({
    target: { deploymentId: 'd', baseUrl: fake.url, model: 'gpt-4o', apiKey: 'sk-key-123456', headers: {}, options: {}, allowPrivateNetwork: true },
    egress,
    signal: new AbortController().signal,
    requestId: 'req-f',
    ...(openAiFrames ? { openAiFrames: true } : {}),
  });
  const req: ChatRequest = { model: 'a', messages: [{ role: 'user', content: 'ping' }], stream: true };
  async function streamed(adapter: ProviderAdapter, openAiFrames: boolean): Promise<ChatStreamEvent[]> {
    fake.program({ kind: 'ok', text: 'alpha beta gamma delta' });
    const events: ChatStreamEvent[] = [];
    for await (const ev of adapter.streamChat(req, call(openAiFrames))) events.push(ev);
    return events;
  }

  it.each([
    ['openai', createOpenAiAdapter],
    ['openai-compatible', createOpenAiCompatibleProviderAdapter],
  ])('%s: frames when the call asks for them, with the same text', async (_kind, create) => {
    const withFrames = await streamed(create(), true);
    expect(withFrames.some((e) => e.type === 'openai-frames')).toBe(true);
    expect(withFrames.some((e) => e.type === 'text-delta' && e.text === 'beta')).toBe(false);
    expect(textOf(withFrames)).toBe('alpha beta gamma delta');
    const without = await streamed(create(), false);
    expect(without.some((e) => e.type === 'openai-frames')).toBe(false);
    expect(textOf(without)).toBe('alpha beta gamma delta');
  });

  it.each([
    ['deepseek', createDeepSeekAdapter],
    ['qwen', createQwenAdapter],
  ])('%s: never frames (vendor quirks keep the parse path)', async (_kind, create) => {
    const events = await streamed(create(), true);
    expect(events.some((e) => e.type === 'openai-frames')).toBe(false);
    expect(textOf(events)).toBe('alpha beta gamma delta');
  });
});

describe('consumers of openai-frames', () => {
  const data = [text('a'), text('b')];

  it('the OpenAI encoder writes each frame verbatim', () => {
    const encoder = new OpenAiStreamEncoder({ includeUsage: true });
    encoder.push({ type: 'message-start', id: 'c1', model: 'gpt-x', created: 1 });
    expect(encoder.push(openAiFramesEvent(data))).toBe(`data: ${data[0]}\n\ndata: ${data[1]}\n\n`);
  });

  it('the Anthropic encoder refuses them as an internal error', () => {
    const encoder = new AnthropicStreamEncoder({ model: 'claude' });
    encoder.push({ type: 'message-start', id: 'c1', model: 'gpt-x', created: 1 });
    expect(() => encoder.push(openAiFramesEvent(data))).toThrow(expect.objectContaining({ code: 'internal_error' }));
  });

  it('the accumulator keeps frames unread until the text is needed, in stream order', () => {
    let reads = 0;
    const ev = openAiFramesEvent(data);
    const counted: OpenAiFramesEvent = { ...ev, text: () => { reads++; return ev.text(); } };
    const acc = new OutputAccumulator();
    acc.add({ type: 'message-start', id: 'c1', model: 'm', created: 1 });
    acc.add({ type: 'text-delta', text: 'x' });
    acc.add(counted);
    acc.add({ type: 'text-delta', text: 'y' });
    acc.add({ type: 'finish', finishReason: 'stop' });
    expect(reads).toBe(0);
    expect(acc.text).toBe('xaby');
    expect(acc.text).toBe('xaby');
    expect(reads).toBe(1);
    expect(acc.producedAnything).toBe(true);
    expect(new OutputAccumulator().text).toBe('');
  });
});
