/**
 * The OpenAI adapter (and through it the OpenAI-compatible base) against the fake OpenAI
 * upstream, over the real egress client.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest, ChatStreamEvent } from '../../src/core/chat.js';
import { HubError } from '../../src/core/errors.js';
import type { Egress } from '../../src/core/egress.js';
import type { UpstreamCall } from '../../src/core/provider.js';
import { createEgress } from '../../src/egress/index.js';
import { createOpenAiAdapter } from '../../src/providers/openai/openai-adapter.js';
import { countTokens, fakeEmbedding, startOpenAiFake, type FakeUpstream } from '../fakes/index.js';

const KEY = 'sk-test-openai-0123456789';
const adapter = createOpenAiAdapter();
let fake: FakeUpstream;
let egress: Egress;

beforeAll(async () => {
  fake = await startOpenAiFake({ apiKey: KEY, flavor: 'openai' });
  egress = createEgress({ allowPrivateNetwork: false });
});
afterAll(async () => {
  await egress.close();
  await fake.close();
});
beforeEach(() => fake.reset());

function call(overrides: Partial<UpstreamCall> = {}, targetOverrides: Partial<UpstreamCall['target']> = {}): UpstreamCall {
  return {
    target: { deploymentId: 'dep-1', baseUrl: fake.url, model: 'gpt-4o-mini', apiKey: KEY, headers: {}, options: {}, allowPrivateNetwork: true, ...targetOverrides },
    egress,
    signal: new AbortController().signal,
    requestId: 'req-1',
    ...overrides,
  };
}

function chatReq(partial: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'alias', messages: [{ role: 'user', content: 'say hello to the tests' }], stream: false, ...partial };
}

async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<{ events: ChatStreamEvent[]; error?: HubError }> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const ev of stream) events.push(ev);
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    return { events, error: err as HubError };
  }
  return { events };
}

async function rejection(p: Promise<unknown>): Promise<HubError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    return err as HubError;
  }
  throw new Error('expected a HubError');
}

const textOf = (events: ChatStreamEvent[]) => events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');

describe('openai adapter: chat', () => {
  it('sends the mapped body with auth and maps the answer and usage', async () => {
    const res = await adapter.chat(chatReq({ maxTokens: 50, temperature: 0.2 }), call({}, { options: { organization: 'org-1', project: 'proj-1' } }));
    expect(res.content).toBe('Hello from gpt-4o-mini: say hello to the tests');
    expect(res.finishReason).toBe('stop');
    expect(res.id).toMatch(/^chatcmpl-fake/);
    expect(res.usage).toEqual({ inputTokens: fake.meter.inputTokens, outputTokens: fake.meter.outputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' });
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.headers['openai-organization']).toBe('org-1');
    expect(sent.headers['openai-project']).toBe('proj-1');
    expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', max_completion_tokens: 50, temperature: 0.2, stream: false });
  });

  it('maps tool calls and cached tokens', async () => {
    fake.program({ kind: 'ok', toolCalls: [{ name: 'get_weather', arguments: { city: 'Beijing' } }], cachedTokens: 3 });
    const res = await adapter.chat(chatReq({ tools: [{ name: 'get_weather', parameters: { type: 'object' } }] }), call());
    expect(res.content).toBeNull();
    expect(res.finishReason).toBe('tool_calls');
    expect(res.toolCalls).toEqual([{ id: expect.stringMatching(/^call_fake_/), name: 'get_weather', arguments: '{"city":"Beijing"}' }]);
    expect(res.usage?.cachedInputTokens).toBe(3);
  });

  it('reports missing usage as undefined and keeps explicit zero usage', async () => {
    fake.program({ kind: 'ok', usage: 'none' }, { kind: 'ok', usage: 'zero' });
    expect((await adapter.chat(chatReq(), call())).usage).toBeUndefined();
    const zero = await adapter.chat(chatReq(), call());
    expect(zero.usage).toMatchObject({ inputTokens: 0, outputTokens: 0, source: 'provider' });
  });

  it('maps malformed JSON to upstream_error', async () => {
    fake.program({ kind: 'malformed-json' });
    const err = await rejection(adapter.chat(chatReq(), call()));
    expect(err.code).toBe('upstream_error');
    expect(err.retryable).toBe(true);
  });
});

describe('openai adapter: errors', () => {
  it('429 → upstream_rate_limited with Retry-After', async () => {
    fake.program({ kind: 'status', status: 429, headers: { 'retry-after': '2' } });
    const err = await rejection(adapter.chat(chatReq(), call()));
    expect(err.code).toBe('upstream_rate_limited');
    expect(err.retryAfterMs).toBe(2000);
    expect(err.upstreamStatus).toBe(429);
  });

  it('500 → upstream_error, 503 → upstream_overloaded, HTML 502 → upstream_error', async () => {
    fake.program({ kind: 'status', status: 500 }, { kind: 'status', status: 503 }, { kind: 'status', status: 502, body: '<html><body>Bad Gateway</body></html>' });
    expect((await rejection(adapter.chat(chatReq(), call()))).code).toBe('upstream_error');
    expect((await rejection(adapter.chat(chatReq(), call()))).code).toBe('upstream_overloaded');
    const html = await rejection(adapter.chat(chatReq(), call()));
    expect(html.code).toBe('upstream_error');
    expect(html.message).toMatch(/non-JSON/);
  });

  it('a wrong key → upstream_auth_failed, never echoing the key', async () => {
    const leaky = await startOpenAiFake({ apiKey: 'sk-the-right-one', echoCredential: true });
    try {
      const err = await rejection(adapter.chat(chatReq(), call({}, { baseUrl: leaky.url, apiKey: 'sk-wrong-key-abcdef123456' })));
      expect(err.code).toBe('upstream_auth_failed');
      expect(err.failover).toBe(true);
      expect(err.message).not.toContain('sk-wrong-key-abcdef123456');
      expect(err.message).toContain('[redacted]');
    } finally {
      await leaky.close();
    }
  });

  it('insufficient_quota 429 → upstream_insufficient_balance', async () => {
    fake.program({ kind: 'status', status: 429, body: { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } } });
    expect((await rejection(adapter.chat(chatReq(), call()))).code).toBe('upstream_insufficient_balance');
  });

  it('a reset before headers → upstream_connection_failed; a stall → upstream_timeout', async () => {
    fake.program({ kind: 'reset-before-headers' }, { kind: 'stall-before-headers', ms: 3000 });
    expect((await rejection(adapter.chat(chatReq(), call()))).code).toBe('upstream_connection_failed');
    expect((await rejection(adapter.chat(chatReq(), call({ firstByteTimeoutMs: 200 })))).code).toBe('upstream_timeout');
  });

  it('refuses the loopback fake when the deployment does not allow private networks', async () => {
    const err = await rejection(adapter.chat(chatReq(), call({}, { allowPrivateNetwork: false })));
    expect(err.code).toBe('egress_denied');
    expect(fake.meter.requests).toBe(0);
  });
});

describe('openai adapter: stream', () => {
  it('always asks for include_usage and emits start, text, finish, usage', async () => {
    const { events, error } = await collect(adapter.streamChat(chatReq({ stream: true, includeUsage: false }), call()));
    expect(error).toBeUndefined();
    expect(fake.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(events[0]).toMatchObject({ type: 'message-start', model: 'gpt-4o-mini' });
    expect(textOf(events)).toBe('Hello from gpt-4o-mini: say hello to the tests');
    expect(events.at(-2)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(events.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: fake.meter.inputTokens, outputTokens: fake.meter.outputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' } });
  });

  it('streams tool calls by index', async () => {
    fake.program({ kind: 'ok', toolCalls: [{ name: 'a', arguments: { x: 1, y: 'long enough to split' } }, { name: 'b', arguments: '{}' }] });
    const { events } = await collect(adapter.streamChat(chatReq({ stream: true }), call()));
    const starts = events.filter((e) => e.type === 'tool-call-start');
    expect(starts).toEqual([
      { type: 'tool-call-start', index: 0, id: expect.stringMatching(/^call_fake_/), name: 'a' },
      { type: 'tool-call-start', index: 1, id: expect.stringMatching(/^call_fake_/), name: 'b' },
    ]);
    expect(new Set(starts.map((e) => (e.type === 'tool-call-start' ? e.id : ''))).size).toBe(2);
    const args = (i: number) => events.map((e) => (e.type === 'tool-call-delta' && e.index === i ? e.argumentsDelta : '')).join('');
    expect(JSON.parse(args(0))).toEqual({ x: 1, y: 'long enough to split' });
    expect(args(1)).toBe('{}');
    expect(events.find((e) => e.type === 'finish')).toEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('ends without a usage event when the upstream sends none; explicit zero stays zero', async () => {
    fake.program({ kind: 'ok', usage: 'none' }, { kind: 'ok', usage: 'zero' });
    const none = await collect(adapter.streamChat(chatReq({ stream: true }), call()));
    expect(none.events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    const zero = await collect(adapter.streamChat(chatReq({ stream: true }), call()));
    expect(zero.events.at(-1)).toMatchObject({ type: 'usage', usage: { inputTokens: 0, outputTokens: 0 } });
  });

  it('a reset mid-stream → upstream_stream_interrupted after the events already received', async () => {
    fake.program({ kind: 'reset-after-chunks', chunks: 3 });
    const { events, error } = await collect(adapter.streamChat(chatReq({ stream: true }), call()));
    expect(events[0]?.type).toBe('message-start');
    expect(events.some((e) => e.type === 'finish')).toBe(false);
    expect(error?.code).toBe('upstream_stream_interrupted');
  });

  it('an idle stall mid-stream → upstream_stream_interrupted (idle timeout)', async () => {
    fake.program({ kind: 'stall-mid-stream', afterChunks: 2, ms: 3000 });
    const { error } = await collect(adapter.streamChat(chatReq({ stream: true }), call({ idleTimeoutMs: 200 })));
    expect(error?.code).toBe('upstream_stream_interrupted');
    expect(error?.message).toMatch(/idle/);
  });

  it('a malformed chunk and a mid-stream error event → upstream_error', async () => {
    fake.program({ kind: 'malformed-json', afterChunks: 2 }, { kind: 'midstream-error', afterChunks: 2 });
    expect((await collect(adapter.streamChat(chatReq({ stream: true }), call()))).error?.code).toBe('upstream_error');
    expect((await collect(adapter.streamChat(chatReq({ stream: true }), call()))).error?.code).toBe('upstream_error');
  });

  it('a non-2xx status on a stream request throws before any event', async () => {
    fake.program({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const { events, error } = await collect(adapter.streamChat(chatReq({ stream: true }), call()));
    expect(events).toEqual([]);
    expect(error?.code).toBe('upstream_rate_limited');
  });

  it('the caller abort mid-stream → client_closed_request', async () => {
    fake.program({ kind: 'ok', chunkDelayMs: 100, textChunks: 10 });
    const ac = new AbortController();
    const events: ChatStreamEvent[] = [];
    const err = await rejection(
      (async () => {
        for await (const ev of adapter.streamChat(chatReq({ stream: true }), call({ signal: ac.signal }))) {
          events.push(ev);
          if (ev.type === 'text-delta') ac.abort();
        }
      })(),
    );
    expect(err.code).toBe('client_closed_request');
    expect(events.some((e) => e.type === 'finish')).toBe(false);
    // The fake notices the closed connection and bills the partial answer; wait so later tests start clean.
    for (let i = 0; i < 40 && fake.meter.billedRequests === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(fake.meter.billedRequests).toBe(1);
  });
});

describe('openai adapter: embeddings and probe', () => {
  it('embeds inputs in order with usage', async () => {
    const res = await adapter.embed!({ model: 'alias', input: ['alpha', 'beta'], dimensions: 8 }, call({}, { model: 'text-embedding-3-small' }));
    expect(fake.requests[0]!.path).toBe('/v1/embeddings');
    expect(fake.requests[0]!.body).toMatchObject({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], dimensions: 8 });
    expect(res.data).toHaveLength(2);
    const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - (b[i] ?? NaN)) < 1e-6);
    expect(close(res.data[0]!, fakeEmbedding('alpha', 8))).toBe(true);
    expect(close(res.data[1]!, fakeEmbedding('beta', 8))).toBe(true);
    expect(res.usage?.inputTokens).toBe(countTokens('alpha') + countTokens('beta'));
  });

  it('probes GET /models and reports an unhealthy upstream', async () => {
    await adapter.probe!(call());
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(fake.meter.billedRequests).toBe(0);
    fake.setDefault({ kind: 'status', status: 503 });
    expect((await rejection(adapter.probe!(call()))).code).toBe('upstream_overloaded');
  });
});

describe('openai adapter: connection reuse', () => {
  it('reads a stream to the end of the body after [DONE], so the connection is reused', async () => {
    const { createServer } = await import('node:http');
    let connections = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"id":"c","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\n');
        res.write('data: [DONE]\n\n');
        setTimeout(() => res.end(), 20); // the end of the body arrives after [DONE]
      });
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      for (let i = 0; i < 5; i += 1) {
        const { events, error } = await collect(adapter.streamChat(chatReq({ stream: true }), call({}, { baseUrl: `http://127.0.0.1:${port}/v1` })));
        expect(error).toBeUndefined();
        expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
      }
      // Abandoning the body at [DONE] would cost a new connection per stream; undici may open
      // one spare while the first is being released.
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
