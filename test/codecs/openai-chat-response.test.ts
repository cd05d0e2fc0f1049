import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatResponse, ChatStreamEvent, Usage } from '../../src/core/chat.js';
import { HubError } from '../../src/core/errors.js';
import { encodeOpenAiChatResponse, OpenAiStreamEncoder } from '../../src/http/v1/openai/index.js';
import { serializeOpenAiChatResponse } from '../../src/http/v1/openai/openai-chat-response.js';
import { mulberry32 } from '../../src/lib/prng.js';
import { startCodecTestServer, type CodecTestServer } from './codec-test-server.js';

const usage: Usage = { inputTokens: 20, outputTokens: 12, cachedInputTokens: 5, cacheWriteTokens: 0, reasoningTokens: 4, source: 'provider' };
const billed: Usage = { ...usage, outputTokens: 15, source: 'estimated' };

function encodeAll(enc: OpenAiStreamEncoder, events: ChatStreamEvent[]): string {
  return events.map((e) => enc.push(e)).join('');
}

const textEvents: ChatStreamEvent[] = [
  { type: 'message-start', id: 'chatcmpl-1', model: 'gpt-x', created: 100 },
  { type: 'text-delta', text: 'Hel' },
  { type: 'text-delta', text: 'lo' },
  { type: 'finish', finishReason: 'stop' },
  { type: 'usage', usage },
];

const toolEvents: ChatStreamEvent[] = [
  { type: 'message-start', id: 'chatcmpl-2', model: 'gpt-x', created: 200 },
  { type: 'text-delta', text: 'Checking.' },
  { type: 'tool-call-start', index: 0, id: 'call_a', name: 'get_weather' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '"Beijing"}' },
  { type: 'tool-call-start', index: 1, id: 'call_b', name: 'get_time' },
  { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
  { type: 'finish', finishReason: 'tool_calls' },
  { type: 'usage', usage },
];

describe('encodeOpenAiChatResponse', () => {
  it('writes the OpenAI chat.completion shape with the billed usage', () => {
    const resp: ChatResponse = {
      id: 'chatcmpl-9',
      model: 'gpt-x',
      created: 1700000000,
      content: null,
      reasoning: 'I should call the tool.',
      toolCalls: [{ id: 'call_1', name: 'f', arguments: '{"a":1}' }],
      finishReason: 'tool_calls',
      usage,
    };
    expect(encodeOpenAiChatResponse(resp, { usage: billed, model: 'chat-premium' })).toEqual({
      id: 'chatcmpl-9',
      object: 'chat.completion',
      created: 1700000000,
      model: 'chat-premium',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
            reasoning_content: 'I should call the tool.',
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 20,
        completion_tokens: 15,
        total_tokens: 35,
        prompt_tokens_details: { cached_tokens: 5, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 4, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      system_fingerprint: null,
    });
  });

  it('omits tool_calls and reasoning_content when there are none', () => {
    const json = encodeOpenAiChatResponse(
      { id: 'c', model: 'm', created: 1, content: 'Hi', toolCalls: [], finishReason: 'stop' },
      { usage },
    );
    expect(json.choices[0]?.message).toEqual({ role: 'assistant', content: 'Hi', refusal: null });
  });
});

describe('serializeOpenAiChatResponse', () => {
  it('writes exactly JSON.stringify(encodeOpenAiChatResponse(…)) on 2,000 generated responses', () => {
    const rnd = mulberry32(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
    const strings = ['', 'Hi', 'quote " backslash \\ newline \n tab \t', '\u0000\u001f\u2028', '中文 😀', '\ud800 lone', '</script>'];
    const counts = [0, 1, 31, 2 ** 31, Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < 2_000; i++) {
      const resp: ChatResponse = {
        id: pick(strings),
        model: pick(strings),
        created: pick([0, 1_700_000_000]),
        content: pick([null, ...strings]),
        toolCalls: Array.from({ length: pick([0, 0, 1, 2]) }, () => ({ id: pick(strings), name: pick(strings), arguments: pick(strings) })),
        finishReason: pick(['stop', 'length', 'tool_calls', 'content_filter'] as const),
      };
      const reasoning = pick([undefined, ...strings]);
      if (reasoning !== undefined) resp.reasoning = reasoning;
      const u: Usage = {
        inputTokens: pick(counts),
        outputTokens: pick(counts),
        cachedInputTokens: pick(counts),
        cacheWriteTokens: pick(counts),
        reasoningTokens: pick(counts),
        source: pick(['provider', 'estimated'] as const),
      };
      const opts = { usage: u, ...(rnd() < 0.3 ? { model: pick(strings) } : {}), ...(rnd() < 0.3 ? { id: pick(strings) } : {}) };
      expect(serializeOpenAiChatResponse(resp, opts), `#${i}`).toBe(JSON.stringify(encodeOpenAiChatResponse(resp, opts)));
    }
  });
});

describe('OpenAiStreamEncoder framing', () => {
  it('without include_usage: no usage field anywhere, [DONE] last (byte-exact)', () => {
    const enc = new OpenAiStreamEncoder({ includeUsage: false });
    const out = encodeAll(enc, textEvents) + enc.end();
    const head = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":100,"model":"gpt-x","system_fingerprint":null,"choices":[{"index":0,"delta":';
    expect(out).toBe(
      `data: ${head}{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data: ${head}{"content":"Hel"},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data: ${head}{"content":"lo"},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data: ${head}{},"logprobs":null,"finish_reason":"stop"}]}\n\n` +
        'data: [DONE]\n\n',
    );
  });

  it('with include_usage: "usage":null on every chunk and one choices:[] usage chunk before [DONE] (byte-exact)', () => {
    const enc = new OpenAiStreamEncoder({ includeUsage: true });
    const out = encodeAll(enc, textEvents) + enc.end();
    const head = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":100,"model":"gpt-x","system_fingerprint":null,"choices":[{"index":0,"delta":';
    expect(out).toBe(
      `data: ${head}{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}\n\n` +
        `data: ${head}{"content":"Hel"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n` +
        `data: ${head}{"content":"lo"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n` +
        `data: ${head}{},"logprobs":null,"finish_reason":"stop"}],"usage":null}\n\n` +
        'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":100,"model":"gpt-x","system_fingerprint":null,"choices":[],' +
        '"usage":{"prompt_tokens":20,"completion_tokens":12,"total_tokens":32,"prompt_tokens_details":{"cached_tokens":5,"audio_tokens":0},' +
        '"completion_tokens_details":{"reasoning_tokens":4,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}\n\n' +
        'data: [DONE]\n\n',
    );
  });

  it('reports the usage the route sets, whether set before or after the upstream usage event', () => {
    for (const setFirst of [true, false]) {
      const enc = new OpenAiStreamEncoder({ includeUsage: true, model: 'chat-premium' });
      if (setFirst) enc.usage(billed);
      let out = encodeAll(enc, textEvents);
      if (!setFirst) enc.usage(billed);
      out += enc.end();
      const usageChunk = JSON.parse(out.split('\n\n').at(-3)!.slice('data: '.length));
      expect(usageChunk.usage.completion_tokens).toBe(15);
      expect(usageChunk.model).toBe('chat-premium');
    }
  });

  it('streams tool calls by index in the OpenAI shape', () => {
    const enc = new OpenAiStreamEncoder({ includeUsage: false });
    const deltas = (encodeAll(enc, toolEvents) + enc.end())
      .split('\n\n')
      .filter((f) => f.startsWith('data: {'))
      .map((f) => JSON.parse(f.slice(6)).choices[0].delta);
    expect(deltas).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Checking.' },
      { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Beijing"}' } }] },
      { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
      {},
    ]);
  });

  it('ends with an error frame and nothing after it', () => {
    const enc = new OpenAiStreamEncoder({ includeUsage: true });
    const first = enc.push(textEvents[0]!) + enc.push(textEvents[1]!);
    const errFrame = enc.error(new HubError('upstream_stream_interrupted', 'The upstream stream broke.'));
    expect(first).toContain('"content":"Hel"');
    expect(errFrame).toBe('data: {"error":{"message":"The upstream stream broke.","type":"api_error","param":null,"code":"upstream_stream_interrupted"}}\n\n');
    expect(enc.push(textEvents[2]!)).toBe('');
    expect(enc.end()).toBe('');
  });
});

describe('OpenAiStreamEncoder through the official openai SDK', () => {
  let server: CodecTestServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await startCodecTestServer();
    client = new OpenAI({ apiKey: 'test', baseURL: `${server.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => server.close());

  it('accumulates text, tool calls and usage into the final completion', async () => {
    const enc = new OpenAiStreamEncoder({ includeUsage: true });
    server.respondWith({ contentType: 'text/event-stream', body: encodeAll(enc, toolEvents) + enc.end() });
    const stream = client.chat.completions.stream({
      model: 'gpt-x',
      messages: [{ role: 'user', content: 'weather?' }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Checking.');
    expect(final.choices[0]?.message.tool_calls?.map((c) => c.type === 'function' && [c.id, c.function.name, c.function.arguments])).toEqual([
      ['call_a', 'get_weather', '{"city":"Beijing"}'],
      ['call_b', 'get_time', '{}'],
    ]);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.usage?.total_tokens).toBe(32);
  });

  it('raises an APIError carrying the hub code when the stream ends with an error frame', async () => {
    const enc = new OpenAiStreamEncoder({ includeUsage: false });
    const body = enc.push(textEvents[0]!) + enc.push(textEvents[1]!) + enc.error(new HubError('upstream_stream_interrupted', 'broke'));
    server.respondWith({ contentType: 'text/event-stream', body });
    const stream = await client.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'x' }], stream: true });
    const seen: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    };
    await expect(consume()).rejects.toMatchObject({ code: 'upstream_stream_interrupted' });
    expect(seen.join('')).toBe('Hel');
  });

  it('parses the non-stream response', async () => {
    const json = encodeOpenAiChatResponse(
      { id: 'c1', model: 'gpt-x', created: 5, content: 'Hi!', toolCalls: [], finishReason: 'stop' },
      { usage },
    );
    server.respondWith({ contentType: 'application/json', body: JSON.stringify(json) });
    const resp = await client.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'x' }] });
    expect(resp.choices[0]?.message.content).toBe('Hi!');
    expect(resp.usage?.prompt_tokens_details?.cached_tokens).toBe(5);
  });
});
