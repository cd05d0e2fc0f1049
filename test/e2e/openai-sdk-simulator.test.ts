/**
 * The official OpenAI SDK against the embedded default (simulator deployments, no config).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './harness.js';

let hub: TestHub;
let client: OpenAI;

beforeAll(async () => {
  hub = await startTestHub();
  client = new OpenAI({ apiKey: hub.key, baseURL: `${hub.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await hub?.close();
});

const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
  },
};

describe('OpenAI SDK → hub → simulator', () => {
  it('answers a non-stream chat with usage, request id and a route trace', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'chat-standard', messages: [{ role: 'user', content: '你好，介绍一下你自己' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-zhongshu-route')).toMatch(/deployment=sim-standard/);
  });

  it('is deterministic: the same request gives the same answer', async () => {
    const body = { model: 'chat-economy', messages: [{ role: 'user' as const, content: 'same question' }] };
    const a = await client.chat.completions.create(body);
    const b = await client.chat.completions.create(body);
    expect(a.choices[0]?.message.content).toBe(b.choices[0]?.message.content);
  });

  it('streams with include_usage: deltas, one usage chunk with empty choices, then the end', async () => {
    const stream = await client.chat.completions.create({
      model: 'chat-premium',
      messages: [{ role: 'user', content: 'Write two sentences.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const usageChunks: OpenAI.Completions.CompletionUsage[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (chunk.usage) {
        usageChunks.push(chunk.usage);
        expect(chunk.choices).toEqual([]);
      }
      for (const c of chunk.choices) {
        text += c.delta.content ?? '';
        finish = c.finish_reason ?? finish;
      }
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(usageChunks).toHaveLength(1);
    expect(usageChunks[0]?.completion_tokens).toBeGreaterThan(0);
  });

  it('streams without include_usage: no usage chunk reaches the client', async () => {
    const stream = await client.chat.completions.create({
      model: 'chat-premium',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    });
    let sawUsage = false;
    for await (const chunk of stream) if (chunk.usage) sawUsage = true;
    expect(sawUsage).toBe(false);
  });

  it('calls tools (non-stream) with arguments valid for the schema', async () => {
    const res = await client.chat.completions.create({
      model: 'chat-premium',
      messages: [{ role: 'user', content: 'Weather in Hangzhou for 3 days?' }],
      tools: [weatherTool],
    });
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(res.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
    expect(typeof args.city).toBe('string');
    expect(Number.isInteger(args.days)).toBe(true);
  });

  it('streams tool-call deltas that the SDK accumulates into a complete call', async () => {
    const runner = client.chat.completions.stream({
      model: 'chat-premium',
      messages: [{ role: 'user', content: 'Weather in Beijing?' }],
      tools: [weatherTool],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(() => JSON.parse(call.function.arguments)).not.toThrow();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('returns JSON for response_format json_object', async () => {
    const res = await client.chat.completions.create({
      model: 'chat-standard',
      messages: [{ role: 'user', content: 'Give me a JSON object' }],
      response_format: { type: 'json_object' },
    });
    expect(() => JSON.parse(res.choices[0]?.message.content ?? '')).not.toThrow();
  });

  it('creates embeddings', async () => {
    const res = await client.embeddings.create({ model: 'embedding-demo', input: ['a', '中文句子'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('lists the models the key may use, with capabilities and prices', async () => {
    const list = await client.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['chat-premium', 'chat-standard', 'chat-economy']));
  });

  it('rejects a wrong key with 401 in OpenAI format', async () => {
    const bad = new OpenAI({ apiKey: 'zs-WrongKey00000000000000000000000000000001', baseURL: `${hub.url}/v1`, maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: 'chat-standard', messages: [{ role: 'user', content: 'x' }] }))
      .rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('rejects an unknown model with 404 model_not_found', async () => {
    await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }))
      .rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('writes exactly one priced ledger row per request', async () => {
    const before = (await hub.usage()).length;
    const res = await client.chat.completions.create({ model: 'chat-economy', messages: [{ role: 'user', content: 'count me' }] });
    const rows = (await hub.usage()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'ok',
      deploymentId: 'sim-economy',
      inputTokens: res.usage?.prompt_tokens,
      outputTokens: res.usage?.completion_tokens,
      usageSource: 'provider',
      unpriced: false,
    });
    expect(rows[0]?.costMicros).toBeGreaterThan(0);
  });
});
