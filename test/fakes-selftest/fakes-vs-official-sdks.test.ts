/**
 * The official SDKs read the fakes' wire format: evidence the framing matches the vendors'.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicFake, startOpenAiFake, type FakeUpstream } from '../fakes/index.js';

describe('official SDKs against the fakes', () => {
  let openaiFake: FakeUpstream;
  let anthropicFake: FakeUpstream;
  beforeAll(async () => {
    openaiFake = await startOpenAiFake({ apiKey: 'sk-openai-fake' });
    anthropicFake = await startAnthropicFake({ apiKey: 'sk-ant-fake' });
  });
  afterAll(async () => {
    await openaiFake.close();
    await anthropicFake.close();
  });

  it('openai SDK: non-stream, stream with usage, tool-call accumulation', async () => {
    const client = new OpenAI({ apiKey: 'sk-openai-fake', baseURL: openaiFake.url, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'ping pong' }] });
    expect(res.choices[0]?.message.content).toBe('Hello from gpt-4o: ping pong');

    openaiFake.program({ kind: 'ok', toolCalls: [{ name: 'lookup', arguments: { q: 'x' } }] });
    const stream = client.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'use the tool' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } });
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('anthropic SDK: non-stream and stream with thinking and tool use', async () => {
    const client = new Anthropic({ apiKey: 'sk-ant-fake', baseURL: anthropicFake.url, maxRetries: 0 });
    const msg = await client.messages.create({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'ping pong' }] });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello from claude-x: ping pong' });

    const billedBefore = anthropicFake.meter.outputTokens;
    anthropicFake.program({ kind: 'ok', reasoning: 'ponder', text: 'Using it.', toolCalls: [{ name: 'lookup', arguments: { q: 'y' } }] });
    const stream = client.messages.stream({
      model: 'claude-x',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'use the tool' }],
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
    });
    const final = await stream.finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(final.content[2]).toMatchObject({ type: 'tool_use', name: 'lookup', input: { q: 'y' } });
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage.output_tokens).toBe(anthropicFake.meter.outputTokens - billedBefore);
  });

  it('anthropic SDK surfaces the fake mid-stream error event', async () => {
    const client = new Anthropic({ apiKey: 'sk-ant-fake', baseURL: anthropicFake.url, maxRetries: 0 });
    anthropicFake.program({ kind: 'midstream-error', afterChunks: 4 });
    const stream = client.messages.stream({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded|overloaded/);
  });
});
