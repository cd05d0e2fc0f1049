/**
 * Any ingress reaches any upstream format: OpenAI SDK → Anthropic upstream and Anthropic SDK →
 * OpenAI upstream, through YAML-configured fake upstreams. Checks the wire on both sides and
 * the ledger.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicFake, startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { startTestHub, type TestHub } from './harness.js';

let oa: FakeUpstream;
let an: FakeUpstream;
let hub: TestHub;
let openai: OpenAI;
let anthropic: Anthropic;

const OA_SECRET = 'sk-openai-fake-secret-123456';
const AN_SECRET = 'sk-ant-fake-secret-123456';

beforeAll(async () => {
  oa = await startOpenAiFake({ apiKey: OA_SECRET });
  an = await startAnthropicFake({ apiKey: AN_SECRET });
  hub = await startTestHub({
    yaml: fakeHubYaml({
      providers: [
        { id: 'oa', kind: 'openai', baseUrl: oa.url, apiKeyEnv: 'TEST_OA_KEY' },
        { id: 'an', kind: 'anthropic', baseUrl: an.url, apiKeyEnv: 'TEST_AN_KEY' },
      ],
      deployments: [
        { id: 'gpt', provider: 'oa', model: 'gpt-4o', tier: 'premium', price: { input: 2.5, output: 10, cachedInput: 1.25 } },
        { id: 'claude', provider: 'an', model: 'claude-sonnet-4-5', tier: 'premium', price: { input: 3, output: 15 } },
        { id: 'emb', provider: 'oa', model: 'text-embedding-3-small', tier: 'economy', capabilities: ['embeddings'], price: { input: 0.02, output: 0 } },
      ],
    }),
    env: { TEST_OA_KEY: OA_SECRET, TEST_AN_KEY: AN_SECRET },
  });
  openai = new OpenAI({ apiKey: hub.key, baseURL: `${hub.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: hub.key, baseURL: hub.url, maxRetries: 0 });
});
afterAll(async () => {
  await hub?.close();
  await oa?.close();
  await an?.close();
});
beforeEach(() => {
  oa.reset();
  an.reset();
});

describe('OpenAI ingress → Anthropic upstream', () => {
  it('translates system, messages and the answer (non-stream)', async () => {
    an.program({ kind: 'ok', text: 'Bonjour', promptTokens: 20, completionTokens: 3 });
    const res = await openai.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'Hello' },
      ],
      max_tokens: 50,
    });
    expect(res.choices[0]?.message.content).toBe('Bonjour');
    expect(res.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 3, total_tokens: 23 });
    const sent = an.requests.at(-1)?.body as { system?: unknown; messages: { role: string }[]; max_tokens: number };
    expect(JSON.stringify(sent.system)).toContain('Answer in French.');
    expect(sent.messages.map((m) => m.role)).toEqual(['user']);
    expect(sent.max_tokens).toBe(50);
  });

  it('streams tool calls from tool_use blocks as OpenAI tool_call deltas', async () => {
    an.program({ kind: 'ok', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
    const final = await openai.chat.completions
      .stream({
        model: 'claude',
        messages: [{ role: 'user', content: 'weather?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
        stream_options: { include_usage: true },
      })
      .finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });
});

describe('Anthropic ingress → OpenAI upstream', () => {
  it('translates a message with tools and the tool result', async () => {
    oa.program({ kind: 'ok', toolCalls: [{ name: 'lookup', arguments: { id: 7 } }] });
    const msg = await anthropic.messages.create({
      model: 'gpt',
      max_tokens: 100,
      system: 'Be brief.',
      tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { id: { type: 'integer' } } } }],
      messages: [{ role: 'user', content: 'find 7' }],
    });
    expect(msg.stop_reason).toBe('tool_use');
    const use = msg.content.find((b) => b.type === 'tool_use');
    expect(use?.type === 'tool_use' ? use.input : undefined).toEqual({ id: 7 });
    const sent = oa.requests.at(-1)?.body as { messages: { role: string }[]; tools: unknown[] };
    expect(sent.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(sent.tools).toHaveLength(1);
  });

  it('streams text; the SDK final message carries the usage', async () => {
    oa.program({ kind: 'ok', text: 'one two three four', promptTokens: 11, completionTokens: 4 });
    const final = await anthropic.messages
      .stream({ model: 'gpt', max_tokens: 100, messages: [{ role: 'user', content: 'count' }] })
      .finalMessage();
    const block = final.content[0];
    expect(block?.type === 'text' ? block.text : '').toBe('one two three four');
    expect(final.usage.output_tokens).toBe(4);
    expect(final.stop_reason).toBe('end_turn');
    const sent = oa.requests.at(-1)?.body as { stream_options?: { include_usage?: boolean } };
    expect(sent.stream_options?.include_usage).toBe(true);
  });
});

describe('multimodal and embeddings', () => {
  const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

  it('passes image parts through to an OpenAI upstream unchanged', async () => {
    await openai.chat.completions.create({
      model: 'gpt',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: PNG, detail: 'low' } }] }],
    });
    const sent = oa.requests.at(-1)?.body as { messages: { content: unknown }[] };
    expect(sent.messages[0]?.content).toEqual([{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: PNG, detail: 'low' } }]);
  });

  it('translates an OpenAI image part into an Anthropic base64 image block', async () => {
    await openai.chat.completions.create({
      model: 'claude',
      max_tokens: 20,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'describe' }, { type: 'image_url', image_url: { url: PNG } }] }],
    });
    const sent = an.requests.at(-1)?.body as { messages: { content: { type: string; source?: unknown }[] }[] };
    const image = sent.messages[0]?.content.find((b) => b.type === 'image');
    expect(image?.source).toEqual({ type: 'base64', media_type: 'image/png', data: PNG.split(',')[1] });
  });

  it('serves embeddings from a YAML-configured OpenAI upstream and bills them', async () => {
    const before = (await hub.usage()).length;
    const res = await openai.embeddings.create({ model: 'emb', input: ['alpha', 'beta gamma'], dimensions: 8 });
    expect(res.data.map((d) => d.embedding.length)).toEqual([8, 8]);
    const rows = (await hub.usage()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ deploymentId: 'emb', status: 'ok', inputTokens: res.usage.prompt_tokens, usageSource: 'provider' });
  });

  it('keeps embedding deployments out of chat and chat deployments out of embeddings', async () => {
    await expect(openai.chat.completions.create({ model: 'emb', messages: [{ role: 'user', content: 'x' }] }))
      .rejects.toMatchObject({ status: 404 });
    await expect(openai.embeddings.create({ model: 'gpt', input: 'x' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('ledger', () => {
  it('prices the same usage the same, streamed or not, at the served deployment', async () => {
    const before = (await hub.usage()).length;
    oa.program({ kind: 'ok', text: 'same', promptTokens: 1000, completionTokens: 500, cachedTokens: 200 });
    await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'x' }] });
    oa.program({ kind: 'ok', text: 'same', promptTokens: 1000, completionTokens: 500, cachedTokens: 200 });
    const stream = await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'x' }], stream: true });
    for await (const _ of stream) { /* drain */ }
    const rows = (await hub.usage()).slice(before);
    expect(rows).toHaveLength(2);
    // (800 × 2.5 + 200 × 1.25 + 500 × 10) USD per 1M tokens = 0.00725 USD = 7,250 micro-USD
    for (const row of rows) {
      expect(row).toMatchObject({ deploymentId: 'gpt', status: 'ok', inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500, costMicros: 7250, currency: 'USD', usageSource: 'provider' });
    }
    expect(rows.map((r) => r.stream).sort()).toEqual([false, true]);
  });

  it('estimates usage for a usage-less stream and keeps an explicit zero', async () => {
    const before = (await hub.usage()).length;
    oa.program({ kind: 'ok', text: 'no usage here', usage: 'none' });
    const s1 = await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'x' }], stream: true });
    for await (const _ of s1) { /* drain */ }
    oa.program({ kind: 'ok', text: 'zero usage', usage: 'zero' });
    await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'x' }] });
    const rows = (await hub.usage()).slice(before);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ usageSource: 'estimated', status: 'ok' });
    expect(rows[0]?.outputTokens).toBeGreaterThan(0);
    expect(rows[1]).toMatchObject({ usageSource: 'provider', inputTokens: 0, outputTokens: 0, costMicros: 0 });
  });

  it('matches the fakes’ meters when upstreams report usage', async () => {
    const before = (await hub.usage()).length;
    await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'alpha beta' }] });
    await openai.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'gamma delta' }], max_tokens: 20 });
    const s = await anthropic.messages.create({ model: 'claude', max_tokens: 20, messages: [{ role: 'user', content: 'x' }], stream: true });
    for await (const _ of s) { /* drain */ }
    const rows = (await hub.usage()).slice(before);
    const sum = (id: string, k: 'inputTokens' | 'outputTokens') => rows.filter((r) => r.deploymentId === id).reduce((a, r) => a + r[k], 0);
    expect(sum('gpt', 'inputTokens')).toBe(oa.meter.inputTokens);
    expect(sum('gpt', 'outputTokens')).toBe(oa.meter.outputTokens);
    expect(sum('claude', 'inputTokens')).toBe(an.meter.inputTokens);
    expect(sum('claude', 'outputTokens')).toBe(an.meter.outputTokens);
  });
});

describe('upstream failures', () => {
  it('maps a wrong provider key to upstream_auth_failed without leaking any secret', async () => {
    oa.program({ kind: 'status', status: 401 });
    const res = await fetch(`${hub.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.key}` },
      body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'x' }] }),
    });
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'upstream_auth_failed' } });
    expect(text).not.toContain(OA_SECRET);
    expect(text).not.toContain(hub.key);
  });

  it('passes an upstream 400 through without retrying', async () => {
    oa.program({ kind: 'status', status: 400, body: { error: { message: 'bad temperature', type: 'invalid_request_error', param: 'temperature', code: null } } });
    await expect(openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'x' }] }))
      .rejects.toMatchObject({ status: 400 });
    expect(oa.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1);
  });

  it('ends a stream that breaks after the first byte with an error event, no retry, and bills what was sent', async () => {
    const before = (await hub.usage()).length;
    oa.program({ kind: 'midstream-error', afterChunks: 3, ok: { kind: 'ok', text: 'a b c d e f g h' } });
    const stream = await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    await expect(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    }).rejects.toThrow();
    expect(text.length).toBeGreaterThan(0);
    expect(oa.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1);
    const rows = (await hub.usage()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'upstream_error', stream: true });
    expect(rows[0]?.outputTokens).toBeGreaterThan(0);
  });

  it('writes a client_aborted row when the client leaves mid-stream', async () => {
    const before = (await hub.usage()).length;
    oa.program({ kind: 'ok', text: 'w '.repeat(40), chunkDelayMs: 20 });
    const controller = new AbortController();
    const res = await fetch(`${hub.url}/v1/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.key}` },
      body: JSON.stringify({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    controller.abort();
    await new Promise((r) => setTimeout(r, 200));
    const rows = (await hub.usage()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'client_aborted', errorCode: 'client_closed_request' });
  });
});
