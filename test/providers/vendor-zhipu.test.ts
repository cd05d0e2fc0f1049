/** Zhipu GLM adapter against the fake in `zhipu` flavor. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest, ChatStreamEvent } from '../../src/core/chat.js';
import { HubError } from '../../src/core/errors.js';
import type { Egress } from '../../src/core/egress.js';
import type { UpstreamCall } from '../../src/core/provider.js';
import { createEgress } from '../../src/egress/index.js';
import { createZhipuAdapter } from '../../src/providers/zhipu/zhipu-adapter.js';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';

const KEY = 'abc123.zhipusecret';
const adapter = createZhipuAdapter();
let fake: FakeUpstream;
let egress: Egress;

beforeAll(async () => {
  fake = await startOpenAiFake({ apiKey: KEY, flavor: 'zhipu' });
  egress = createEgress();
});
afterAll(async () => {
  await egress.close();
  await fake.close();
});
beforeEach(() => fake.reset());

function call(): UpstreamCall {
  return {
    target: { deploymentId: 'glm', baseUrl: `${fake.origin}/api/paas/v4`, model: 'glm-4-flash', apiKey: KEY, headers: {}, options: {}, allowPrivateNetwork: true },
    egress,
    signal: new AbortController().signal,
    requestId: 'req-glm',
  };
}

const req = (partial: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'a', messages: [{ role: 'user', content: '你好 GLM' }], stream: false, ...partial });

async function outcome(stream: AsyncIterable<ChatStreamEvent>): Promise<{ events: ChatStreamEvent[]; error?: HubError }> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const ev of stream) events.push(ev);
  } catch (err) {
    return { events, error: err as HubError };
  }
  return { events };
}

async function chatError(r: ChatRequest): Promise<HubError> {
  const err = await adapter.chat(r, call()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(HubError);
  return err as HubError;
}

describe('zhipu adapter', () => {
  it('calls /api/paas/v4/chat/completions with clamped sampling parameters', async () => {
    const res = await adapter.chat(req({ temperature: 1.6, topP: 1 }), call());
    expect(fake.requests[0]!.path).toBe('/api/paas/v4/chat/completions');
    expect(fake.requests[0]!.body).toMatchObject({ temperature: 1, top_p: 0.99 });
    expect(res.content).toBe('Hello from glm-4-flash: 你好 GLM');
    expect(res.usage?.inputTokens).toBe(fake.meter.inputTokens);
  });

  it('streams with usage on the final chunk, without stream_options', async () => {
    const { events, error } = await outcome(adapter.streamChat(req({ stream: true }), call()));
    expect(error).toBeUndefined();
    expect(fake.requests[0]!.body).not.toHaveProperty('stream_options');
    expect(events.slice(-2)).toEqual([
      { type: 'finish', finishReason: 'stop' },
      { type: 'usage', usage: { inputTokens: fake.meter.inputTokens, outputTokens: fake.meter.outputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' } },
    ]);
  });

  it('maps finish_reason sensitive → content_filter (stream and not)', async () => {
    fake.program({ kind: 'ok', finishReason: 'sensitive' }, { kind: 'ok', finishReason: 'sensitive' });
    expect((await adapter.chat(req(), call())).finishReason).toBe('content_filter');
    const { events } = await outcome(adapter.streamChat(req({ stream: true }), call()));
    expect(events.find((e) => e.type === 'finish')).toEqual({ type: 'finish', finishReason: 'content_filter' });
  });

  it('network_error → retryable upstream_error; the stream reports its usage, then throws', async () => {
    fake.program({ kind: 'ok', finishReason: 'network_error' }, { kind: 'ok', finishReason: 'network_error' });
    const err = await chatError(req());
    expect(err.code).toBe('upstream_error');
    expect(err.retryable).toBe(true);
    const { events, error } = await outcome(adapter.streamChat(req({ stream: true }), call()));
    expect(error?.code).toBe('upstream_error');
    expect(events.some((e) => e.type === 'finish')).toBe(false);
    expect(events.at(-1)?.type).toBe('usage');
  });

  it('maps business codes: 1301 content, 1113 arrears, 1214 parameters, 1302 rate limit', async () => {
    fake.program(
      { kind: 'status', status: 400, body: { error: { code: '1301', message: '系统检测到输入或生成内容可能包含不安全或敏感内容' } } },
      { kind: 'status', status: 402 },
      { kind: 'status', status: 400, body: { error: { code: '1214', message: 'temperature 参数非法' } } },
      { kind: 'status', status: 429 },
    );
    expect((await chatError(req())).code).toBe('content_filtered');
    expect((await chatError(req())).code).toBe('upstream_insufficient_balance');
    const bad = await chatError(req());
    expect(bad.code).toBe('upstream_bad_request');
    expect(bad.status).toBe(400);
    expect((await chatError(req())).code).toBe('upstream_rate_limited');
  });
});
