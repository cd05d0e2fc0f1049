import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest, ChatStreamEvent } from '../../src/core/chat.js';
import type { Egress } from '../../src/core/egress.js';
import { HubError } from '../../src/core/errors.js';
import type { UpstreamCall } from '../../src/core/provider.js';
import { createEgress } from '../../src/egress/index.js';
import { createAnthropicAdapter } from '../../src/providers/anthropic/index.js';
import { startAnthropicFake, type FakeUpstream } from '../fakes/index.js';

const KEY = 'sk-ant-api03-very-secret-key-0001';
const adapter = createAnthropicAdapter();
let fake: FakeUpstream;
let egress: Egress;

function call(over: { apiKey?: string; baseUrl?: string; signal?: AbortSignal } = {}): UpstreamCall {
  return {
    target: {
      deploymentId: 'dep-anthropic',
      baseUrl: over.baseUrl ?? fake.url,
      model: 'claude-sonnet-4',
      apiKey: over.apiKey ?? KEY,
      headers: { 'anthropic-beta': 'test-beta' },
      options: {},
      allowPrivateNetwork: true,
    },
    egress,
    signal: over.signal ?? new AbortController().signal,
    requestId: 'req-test-1',
  };
}

const req = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'claude',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'hello fake claude' },
  ],
  stream: false,
  ...over,
});

async function collect(it: AsyncIterable<ChatStreamEvent>): Promise<{ events: ChatStreamEvent[]; error?: HubError }> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const ev of it) events.push(ev);
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    return { events, error: err as HubError };
  }
  return { events };
}

async function chatError(r: ChatRequest, c: UpstreamCall = call()): Promise<HubError> {
  try {
    await adapter.chat(r, c);
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    return err as HubError;
  }
  throw new Error('expected chat to fail');
}

beforeAll(async () => {
  fake = await startAnthropicFake({ apiKey: KEY, echoCredential: true });
  egress = createEgress({ allowPrivateNetwork: true });
});
afterAll(async () => {
  await egress.close();
  await fake.close();
});
beforeEach(() => fake.reset());

describe('anthropic adapter — non-stream', () => {
  it('sends a Messages request and maps the answer', async () => {
    const res = await adapter.chat(req({ maxTokens: 200 }), call());
    expect(res.content).toBe('Hello from claude-sonnet-4: hello fake claude');
    expect(res.finishReason).toBe('stop');
    expect(res.toolCalls).toEqual([]);
    expect(res.id).toMatch(/^msg_/);
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['anthropic-beta']).toBe('test-beta');
    expect(sent.body).toMatchObject({ model: 'claude-sonnet-4', max_tokens: 200, system: 'be brief', messages: [{ role: 'user', content: 'hello fake claude' }] });
    expect(res.usage).toEqual({ inputTokens: fake.meter.inputTokens, outputTokens: fake.meter.outputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' });
  });

  it('maps cache tokens to OpenAI-semantics usage', async () => {
    fake.program({ kind: 'ok', promptTokens: 10, cachedTokens: 100, cacheWriteTokens: 20, completionTokens: 5 });
    const res = await adapter.chat(req(), call());
    expect(res.usage).toEqual({ inputTokens: 130, outputTokens: 5, cachedInputTokens: 100, cacheWriteTokens: 20, reasoningTokens: 0, source: 'provider' });
    expect(fake.meter.inputTokens).toBe(130);
  });

  it('maps tool_use and thinking blocks', async () => {
    fake.program({ kind: 'ok', reasoning: 'hmm', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const res = await adapter.chat(req({ tools: [{ name: 'get_weather' }] }), call());
    expect(res.finishReason).toBe('tool_calls');
    expect(res.content).toBeNull();
    expect(res.reasoning).toBe('hmm');
    expect(res.toolCalls).toEqual([{ id: expect.stringMatching(/^toolu_/), name: 'get_weather', arguments: '{"city":"Oslo"}' }]);
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['refusal', 'content_filter'],
  ] as const)('maps stop_reason %s to %s', async (stop, finish) => {
    fake.program({ kind: 'ok', finishReason: stop });
    expect((await adapter.chat(req(), call())).finishReason).toBe(finish);
  });

  it('accepts a base URL that already ends in /v1', async () => {
    await adapter.chat(req(), call({ baseUrl: `${fake.url}/v1/` }));
    expect(fake.requests[0]!.path).toBe('/v1/messages');
  });

  it('reports no usage when the upstream sent none', async () => {
    fake.program({ kind: 'ok', usage: 'none' });
    expect((await adapter.chat(req(), call())).usage).toBeUndefined();
  });
});

describe('anthropic adapter — stream', () => {
  it('streams text with message-start, finish and cumulative usage last', async () => {
    fake.program({ kind: 'ok', cachedTokens: 4 });
    const { events, error } = await collect(adapter.streamChat(req({ stream: true }), call()));
    expect(error).toBeUndefined();
    expect(events[0]).toMatchObject({ type: 'message-start', model: 'claude-sonnet-4' });
    const text = events.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text).join('');
    expect(text).toBe('Hello from claude-sonnet-4: hello fake claude');
    expect(events.at(-2)).toEqual({ type: 'finish', finishReason: 'stop' });
    const usage = events.at(-1);
    expect(usage).toEqual({
      type: 'usage',
      usage: { inputTokens: fake.meter.inputTokens, outputTokens: fake.meter.outputTokens, cachedInputTokens: 4, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' },
    });
    // output usage is the cumulative message_delta number, not message_start's 1 added to it
    expect((usage as { usage: { outputTokens: number } }).usage.outputTokens).toBe(fake.meter.outputTokens);
    expect((fake.requests[0]!.body as { stream?: boolean }).stream).toBe(true);
  });

  it('streams tool calls by position and thinking as reasoning', async () => {
    fake.program({ kind: 'ok', reasoning: 'think first', text: 'Sure.', toolCalls: [{ name: 'a', arguments: { x: 1 } }, { name: 'b', arguments: {} }] });
    const { events } = await collect(adapter.streamChat(req({ stream: true, tools: [{ name: 'a' }, { name: 'b' }] }), call()));
    const reasoning = events.filter((e) => e.type === 'reasoning-delta').map((e) => (e as { text: string }).text).join('');
    expect(reasoning).toBe('think first');
    const starts = events.filter((e) => e.type === 'tool-call-start');
    expect(starts).toEqual([
      { type: 'tool-call-start', index: 0, id: expect.stringMatching(/^toolu_/), name: 'a' },
      { type: 'tool-call-start', index: 1, id: expect.stringMatching(/^toolu_/), name: 'b' },
    ]);
    const args = (i: number) => events.filter((e) => e.type === 'tool-call-delta' && e.index === i).map((e) => (e as { argumentsDelta: string }).argumentsDelta).join('');
    expect(JSON.parse(args(0))).toEqual({ x: 1 });
    expect(JSON.parse(args(1))).toEqual({});
    expect(events.find((e) => e.type === 'finish')).toEqual({ type: 'finish', finishReason: 'tool_calls' });
    // order: no delta after finish
    const finishAt = events.findIndex((e) => e.type === 'finish');
    expect(events.slice(finishAt + 1).every((e) => e.type === 'usage')).toBe(true);
  });

  it('throws upstream_overloaded on a mid-stream error event', async () => {
    fake.program({ kind: 'midstream-error', afterChunks: 5 });
    const { events, error } = await collect(adapter.streamChat(req({ stream: true }), call()));
    expect(error?.code).toBe('upstream_overloaded');
    expect(events[0]?.type).toBe('message-start');
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  it('throws upstream_stream_interrupted when the connection breaks after k chunks, without a placeholder usage', async () => {
    fake.program({ kind: 'reset-after-chunks', chunks: 5 });
    const { events, error } = await collect(adapter.streamChat(req({ stream: true }), call()));
    expect(error?.code).toBe('upstream_stream_interrupted');
    expect(events.some((e) => e.type === 'text-delta')).toBe(true);
    expect(events.some((e) => e.type === 'finish' || e.type === 'usage')).toBe(false);
    expect(fake.meter.billedRequests).toBe(1);
  });

  it('yields the known usage before throwing when the break comes after message_delta', async () => {
    // message_start, block start, ping, 2 deltas, block stop, message_delta | message_stop
    fake.program({ kind: 'reset-after-chunks', chunks: 7, ok: { kind: 'ok', text: 'two words' } });
    const { events, error } = await collect(adapter.streamChat(req({ stream: true }), call()));
    expect(events.length).toBeGreaterThan(3);
    expect(error?.code).toBe('upstream_stream_interrupted');
    const usage = events.at(-1);
    expect(usage?.type).toBe('usage');
    expect((usage as { usage: { outputTokens: number } }).usage.outputTokens).toBe(fake.meter.outputTokens);
  });

  it('keeps a retryable code when the connection resets before any event', async () => {
    fake.program({ kind: 'reset-before-headers' });
    const { error } = await collect(adapter.streamChat(req({ stream: true }), call()));
    expect(error?.code).toBe('upstream_connection_failed');
    expect(error?.retryable).toBe(true);
  });

  it('a first-byte timeout stays a retryable upstream_timeout; an idle stall mid-stream is an interruption', async () => {
    fake.program({ kind: 'stall-before-headers', ms: 1500 }, { kind: 'stall-mid-stream', afterChunks: 4, ms: 1500 });
    const slow = { ...call(), firstByteTimeoutMs: 100, idleTimeoutMs: 100 };
    const first = await collect(adapter.streamChat(req({ stream: true }), slow));
    expect(first.error?.code).toBe('upstream_timeout');
    expect(first.error?.retryable).toBe(true);
    const idle = await collect(adapter.streamChat(req({ stream: true }), slow));
    expect(idle.events[0]?.type).toBe('message-start');
    expect(idle.error?.code).toBe('upstream_stream_interrupted');
  });

  it('fails with upstream_error on a malformed stream event', async () => {
    fake.program({ kind: 'malformed-json', afterChunks: 3 });
    const { events, error } = await collect(adapter.streamChat(req({ stream: true }), call()));
    expect(error?.code).toBe('upstream_error');
    expect(events[0]?.type).toBe('message-start');
  });

  it('maps an HTTP error before the stream starts', async () => {
    fake.program({ kind: 'status', status: 529 });
    const { events, error } = await collect(adapter.streamChat(req({ stream: true }), call()));
    expect(events).toEqual([]);
    expect(error?.code).toBe('upstream_overloaded');
  });
});

describe('anthropic adapter — errors', () => {
  it('429 with retry-after → upstream_rate_limited with retryAfterMs', async () => {
    fake.program({ kind: 'status', status: 429, headers: { 'retry-after': '3' } });
    const err = await chatError(req());
    expect(err.code).toBe('upstream_rate_limited');
    expect(err.retryAfterMs).toBe(3000);
    expect(err.upstreamStatus).toBe(429);
  });

  it('529 → upstream_overloaded (retryable), 500 → upstream_error, 413 → upstream_bad_request 413', async () => {
    fake.program({ kind: 'status', status: 529 }, { kind: 'status', status: 500 }, { kind: 'status', status: 413 });
    const overloaded = await chatError(req());
    expect(overloaded.code).toBe('upstream_overloaded');
    expect(overloaded.retryable).toBe(true);
    expect((await chatError(req())).code).toBe('upstream_error');
    const tooLarge = await chatError(req());
    expect(tooLarge.code).toBe('upstream_bad_request');
    expect(tooLarge.status).toBe(413);
  });

  it('a credit-balance 400 fails over as upstream_insufficient_balance; an HTML 502 is upstream_error', async () => {
    fake.program(
      { kind: 'status', status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API.' } } },
      { kind: 'status', status: 502, body: '<html><body>Bad Gateway</body></html>' },
    );
    expect((await chatError(req())).code).toBe('upstream_insufficient_balance');
    const html = await chatError(req());
    expect(html.code).toBe('upstream_error');
    expect(html.message).toContain('non-JSON');
  });

  it('non-stream malformed JSON → upstream_error', async () => {
    fake.program({ kind: 'malformed-json' });
    expect((await chatError(req())).code).toBe('upstream_error');
  });

  it('non-stream body cut mid-way → a retryable connection error', async () => {
    fake.program({ kind: 'reset-after-chunks', chunks: 1 });
    const err = await chatError(req());
    expect(err.retryable).toBe(true);
  });

  it('a wrong key → upstream_auth_failed, and the key appears in no error message', async () => {
    const wrong = 'sk-ant-api03-wrong-key-the-hub-holds-9999';
    const err = await chatError(req(), call({ apiKey: wrong }));
    expect(err.code).toBe('upstream_auth_failed');
    expect(err.failover).toBe(true);
    expect(err.message).not.toContain(wrong);
    expect(JSON.stringify(err)).not.toContain(wrong);
    const { error } = await collect(adapter.streamChat(req({ stream: true }), call({ apiKey: wrong })));
    expect(error?.code).toBe('upstream_auth_failed');
    expect(error?.message).not.toContain(wrong);
    await expect(adapter.probe!(call({ apiKey: wrong }))).rejects.toMatchObject({ code: 'upstream_auth_failed' });
  });

  it('an invalid request surfaces as upstream_bad_request with the upstream status', async () => {
    const err = await chatError(req({ temperature: 0.5, maxTokens: 0 }));
    expect(err.code).toBe('upstream_bad_request');
    expect(err.status).toBe(400);
  });

  it('probe succeeds on a healthy upstream and fails on an unhealthy one', async () => {
    await adapter.probe!(call());
    expect(fake.requests.at(-1)?.path).toBe('/v1/models');
    fake.setDefault({ kind: 'status', status: 503 });
    await expect(adapter.probe!(call())).rejects.toMatchObject({ code: 'upstream_overloaded' });
  });

  it('an aborted call ends with client_closed_request', async () => {
    fake.program({ kind: 'stall-before-headers', ms: 2000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await chatError(req(), call({ signal: ac.signal }));
    expect(err.code).toBe('client_closed_request');
    expect(fake.meter.billedRequests).toBe(0);
  });
});
