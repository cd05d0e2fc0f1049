/**
 * The thinner OpenAI-format vendors (Qwen, Moonshot, Volcengine Ark, generic OpenAI-compatible):
 * one shared round trip against the fake, plus each vendor's own quirks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest, ChatStreamEvent } from '../../src/core/chat.js';
import { HubError } from '../../src/core/errors.js';
import type { Egress } from '../../src/core/egress.js';
import type { ProviderAdapter, UpstreamCall } from '../../src/core/provider.js';
import { createEgress } from '../../src/egress/index.js';
import { createQwenAdapter } from '../../src/providers/qwen/qwen-adapter.js';
import { createMoonshotAdapter } from '../../src/providers/moonshot/moonshot-adapter.js';
import { createVolcengineAdapter } from '../../src/providers/volcengine/volcengine-adapter.js';
import { createOpenAiCompatibleProviderAdapter } from '../../src/providers/openai-compatible/openai-compatible-adapter.js';
import { createOpenAiAdapter } from '../../src/providers/openai/openai-adapter.js';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';

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

function call(model: string, apiKey = 'sk-vendor-key-123456'): UpstreamCall {
  return {
    target: { deploymentId: 'd', baseUrl: fake.url, model, ...(apiKey ? { apiKey } : {}), headers: {}, options: {}, allowPrivateNetwork: true },
    egress,
    signal: new AbortController().signal,
    requestId: 'req-v',
  };
}

const req = (partial: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'a', messages: [{ role: 'user', content: 'ping' }], stream: false, ...partial });

async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const ev of stream) events.push(ev);
  return events;
}

const vendors: Array<[string, () => ProviderAdapter, string]> = [
  ['qwen', createQwenAdapter, 'https://dashscope.aliyuncs.com/compatible-mode/v1'],
  ['moonshot', createMoonshotAdapter, 'https://api.moonshot.cn/v1'],
  ['volcengine', createVolcengineAdapter, 'https://ark.cn-beijing.volces.com/api/v3'],
  ['openai-compatible', createOpenAiCompatibleProviderAdapter, ''],
  ['openai', createOpenAiAdapter, 'https://api.openai.com/v1'],
];

describe.each(vendors)('%s adapter round trip', (kind, create, defaultBaseUrl) => {
  const adapter = create();

  it('has its kind and default base URL', () => {
    expect(adapter.kind).toBe(kind);
    expect(adapter.defaultBaseUrl).toBe(defaultBaseUrl);
  });

  it('answers non-stream and stream with the fake', async () => {
    const res = await adapter.chat(req(), call('vendor-model'));
    expect(res.content).toBe('Hello from vendor-model: ping');
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-vendor-key-123456');
    const events = await collect(adapter.streamChat(req({ stream: true }), call('vendor-model')));
    expect(events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('')).toBe('Hello from vendor-model: ping');
    expect(events.find((e) => e.type === 'finish')).toEqual({ type: 'finish', finishReason: 'stop' });
  });
});

describe('vendor quirks', () => {
  it('qwen passes top_k and asks for stream usage', async () => {
    const events = await collect(createQwenAdapter().streamChat(req({ stream: true, topK: 20, passthrough: { enable_thinking: false } }), call('qwen-plus')));
    expect(fake.requests[0]!.body).toMatchObject({ top_k: 20, enable_thinking: false, stream_options: { include_usage: true } });
    expect(events.at(-1)?.type).toBe('usage');
  });

  it('qwen and volcengine map moderation and arrears codes', async () => {
    fake.program(
      { kind: 'status', status: 400, body: { error: { code: 'data_inspection_failed', message: 'Input data may contain inappropriate content.', type: 'data_inspection_failed' } } },
      { kind: 'status', status: 400, body: { error: { code: 'Arrearage', message: 'Access denied, please make sure your account is in good standing.', type: 'Arrearage' } } },
      { kind: 'status', status: 400, body: { error: { code: 'InputTextSensitiveContentDetected', message: 'sensitive', type: 'BadRequest' } } },
      { kind: 'status', status: 403, body: { error: { code: 'AccountOverdueError', message: 'overdue', type: 'Forbidden' } } },
    );
    const codeOf = async (a: ProviderAdapter) => ((await a.chat(req(), call('m')).catch((e: unknown) => e)) as HubError).code;
    expect(await codeOf(createQwenAdapter())).toBe('content_filtered');
    expect(await codeOf(createQwenAdapter())).toBe('upstream_insufficient_balance');
    expect(await codeOf(createVolcengineAdapter())).toBe('content_filtered');
    expect(await codeOf(createVolcengineAdapter())).toBe('upstream_insufficient_balance');
  });

  it('moonshot clamps temperature and does not send stream_options', async () => {
    await collect(createMoonshotAdapter().streamChat(req({ stream: true, temperature: 1.8 }), call('moonshot-v1-8k')));
    expect(fake.requests[0]!.body).toMatchObject({ temperature: 1 });
    expect(fake.requests[0]!.body).not.toHaveProperty('stream_options');
  });

  it('openai-compatible works without an API key and with top_k', async () => {
    const res = await createOpenAiCompatibleProviderAdapter().chat(req({ topK: 5 }), call('llama3', ''));
    expect(res.content).toBe('Hello from llama3: ping');
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
    expect(fake.requests[0]!.body).toMatchObject({ top_k: 5 });
  });
});
