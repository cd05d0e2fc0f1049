/** DeepSeek adapter against the fake in `deepseek` flavor (keep-alive comments, blank lines, 402, cache hits). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest, ChatStreamEvent } from '../../src/core/chat.js';
import { HubError } from '../../src/core/errors.js';
import type { Egress } from '../../src/core/egress.js';
import type { UpstreamCall } from '../../src/core/provider.js';
import { createEgress } from '../../src/egress/index.js';
import { createDeepSeekAdapter } from '../../src/providers/deepseek/deepseek-adapter.js';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';

const KEY = 'sk-deepseek-test-9876543210';
const adapter = createDeepSeekAdapter();
let fake: FakeUpstream;
let egress: Egress;

beforeAll(async () => {
  fake = await startOpenAiFake({ apiKey: KEY, flavor: 'deepseek' });
  egress = createEgress();
});
afterAll(async () => {
  await egress.close();
  await fake.close();
});
beforeEach(() => fake.reset());

function call(model = 'deepseek-chat'): UpstreamCall {
  // The fake serves /chat/completions with or without /v1, like api.deepseek.com.
  return {
    target: { deploymentId: 'ds', baseUrl: fake.origin, model, apiKey: KEY, headers: {}, options: {}, allowPrivateNetwork: true },
    egress,
    signal: new AbortController().signal,
    requestId: 'req-ds',
  };
}

const history: ChatRequest['messages'] = [
  { role: 'user', content: 'first question' },
  { role: 'assistant', content: 'first answer', reasoning: 'earlier chain of thought' },
  { role: 'user', content: [{ type: 'text', text: 'second ' }, { type: 'text', text: 'question' }] },
];

async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const ev of stream) events.push(ev);
  return events;
}

describe('deepseek adapter', () => {
  it('is configured for api.deepseek.com', () => {
    expect(adapter.kind).toBe('deepseek');
    expect(adapter.defaultBaseUrl).toBe('https://api.deepseek.com');
    expect(adapter.embed).toBeUndefined();
  });

  it('parses a non-stream answer preceded by blank lines, with cache-hit usage', async () => {
    fake.program({ kind: 'ok', cachedTokens: 4 });
    const res = await adapter.chat({ model: 'a', messages: history, stream: false }, call());
    expect(res.content).toBe('Hello from deepseek-chat: second question');
    expect(res.usage).toMatchObject({ inputTokens: fake.meter.inputTokens, outputTokens: fake.meter.outputTokens, cachedInputTokens: 4 });
  });

  it('never sends reasoning back (the fake answers 400 if it did) and flattens text parts', async () => {
    await adapter.chat({ model: 'a', messages: history, stream: false }, call('deepseek-reasoner'));
    const sent = fake.requests[0]!.body as { messages: Array<Record<string, unknown>> };
    expect(sent.messages[1]).toEqual({ role: 'assistant', content: 'first answer' });
    expect(sent.messages[2]).toEqual({ role: 'user', content: 'second question' });
  });

  it('streams a reasoner answer through keep-alive comments: reasoning, text, finish, usage', async () => {
    const events = await collect(adapter.streamChat({ model: 'a', messages: history, stream: true, passthrough: { logprobs: true } }, call('deepseek-reasoner')));
    expect(fake.requests[0]!.body).not.toHaveProperty('logprobs');
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('message-start');
    expect(types.indexOf('reasoning-delta')).toBeLessThan(types.indexOf('text-delta'));
    expect(types.slice(-2)).toEqual(['finish', 'usage']);
    const reasoning = events.map((e) => (e.type === 'reasoning-delta' ? e.text : '')).join('');
    expect(reasoning).toBe('The user sent 3 messages. I will answer politely.');
    const usage = events.at(-1);
    expect(usage?.type === 'usage' && usage.usage.reasoningTokens).toBeGreaterThan(0);
  });

  it('402 → upstream_insufficient_balance: fail over, no retry', async () => {
    fake.program({ kind: 'status', status: 402 });
    const err = await adapter.chat({ model: 'a', messages: history, stream: false }, call()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe('upstream_insufficient_balance');
    expect((err as HubError).retryable).toBe(false);
    expect((err as HubError).failover).toBe(true);
  });
});
