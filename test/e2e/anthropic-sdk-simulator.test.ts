/**
 * The official Anthropic SDK against the embedded default (simulator deployments).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './harness.js';

let hub: TestHub;
let client: Anthropic;

beforeAll(async () => {
  hub = await startTestHub();
  client = new Anthropic({ apiKey: hub.key, baseURL: hub.url, maxRetries: 0 });
});
afterAll(async () => {
  await hub?.close();
});

const tool: Anthropic.Tool = {
  name: 'lookup_order',
  description: 'Find an order',
  input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
};

describe('Anthropic SDK → hub → simulator', () => {
  it('answers a non-stream message with a system prompt', async () => {
    const msg = await client.messages.create({
      model: 'chat-standard',
      max_tokens: 200,
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    expect(msg.type).toBe('message');
    expect(msg.role).toBe('assistant');
    expect(msg.content[0]?.type).toBe('text');
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams: the SDK assembles the final message from the event sequence', async () => {
    const stream = client.messages.stream({
      model: 'chat-premium',
      max_tokens: 300,
      messages: [{ role: 'user', content: '讲一个简短的故事' }],
    });
    let text = '';
    stream.on('text', (t) => {
      text += t;
    });
    const final = await stream.finalMessage();
    expect(text.length).toBeGreaterThan(0);
    const block = final.content[0];
    expect(block?.type === 'text' ? block.text : '').toBe(text);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('calls tools, non-stream and stream', async () => {
    const msg = await client.messages.create({
      model: 'chat-premium',
      max_tokens: 200,
      tools: [tool],
      messages: [{ role: 'user', content: 'Where is order 42?' }],
    });
    expect(msg.stop_reason).toBe('tool_use');
    const use = msg.content.find((b) => b.type === 'tool_use');
    expect(use?.type === 'tool_use' ? use.name : undefined).toBe('lookup_order');
    expect(use?.type === 'tool_use' ? typeof (use.input as { order_id?: unknown }).order_id : undefined).toBe('string');

    const final = await client.messages
      .stream({ model: 'chat-premium', max_tokens: 200, tools: [tool], messages: [{ role: 'user', content: 'Where is order 7?' }] })
      .finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    const streamed = final.content.find((b) => b.type === 'tool_use');
    expect(streamed?.type === 'tool_use' ? streamed.input : undefined).toHaveProperty('order_id');
  });

  it('continues after a tool result', async () => {
    const msg = await client.messages.create({
      model: 'chat-premium',
      max_tokens: 200,
      tools: [tool],
      messages: [
        { role: 'user', content: 'Where is order 42?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup_order', input: { order_id: '42' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'shipped yesterday' }] },
      ],
    });
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.content[0]?.type).toBe('text');
  });

  it('rejects a missing key with 401 in Anthropic format', async () => {
    const res = await fetch(`${hub.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'chat-standard', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('rejects a body without max_tokens with invalid_request_error naming the field', async () => {
    const res = await fetch(`${hub.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': hub.key },
      body: JSON.stringify({ model: 'chat-standard', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('max_tokens');
  });
});
