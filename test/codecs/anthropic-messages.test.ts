import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatResponse, Usage } from '../../src/core/chat.js';
import { HubError } from '../../src/core/errors.js';
import { encodeAnthropicMessage, parseAnthropicMessagesRequest } from '../../src/http/v1/anthropic/index.js';
import { startCodecTestServer, type CodecTestServer } from './codec-test-server.js';

function rejection(body: unknown): HubError {
  try {
    parseAnthropicMessagesRequest(body);
  } catch (err) {
    if (err instanceof HubError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('parseAnthropicMessagesRequest', () => {
  it('maps system, blocks, tool use and tool results onto the canonical shape', () => {
    const parsed = parseAnthropicMessagesRequest({
      model: 'claude-x',
      max_tokens: 512,
      system: [{ type: 'text', text: 'You are helpful.', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Beijing? See photo.' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Beijing' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny, 25°C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'boom' }], is_error: true },
            { type: 'text', text: 'Thanks!' },
          ],
        },
      ],
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }, { name: 'get_time', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['###'],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stream: true,
      metadata: { user_id: 'user-7' },
      thinking: { type: 'enabled', budget_tokens: 8000 },
      zhongshu: { biz_level: 'economy', capabilities: ['function_calling'] },
    });
    expect(parsed.thinking).toBe(true);
    expect(parsed.hints).toEqual({ bizLevel: 'economy', capabilities: ['function_calling'], endUser: 'user-7' });
    expect(parsed.request).toEqual({
      model: 'claude-x',
      maxTokens: 512,
      stream: true,
      includeUsage: true,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are helpful.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Beijing? See photo.' },
            { type: 'image', url: 'data:image/png;base64,iVBORw0K' },
            { type: 'image', url: 'https://example.com/a.jpg' },
            { type: 'opaque', format: 'anthropic', value: { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc' } } },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me check.',
          toolCalls: [
            { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Beijing"}' },
            { id: 'toolu_2', name: 'get_time', arguments: '{}' },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', content: 'Sunny, 25°C' },
        { role: 'tool', toolCallId: 'toolu_2', content: [{ type: 'text', text: 'boom' }], isError: true },
        { role: 'user', content: [{ type: 'text', text: 'Thanks!' }] },
      ],
      tools: [
        { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        { name: 'get_time', parameters: { type: 'object' } },
      ],
      toolChoice: 'required',
      parallelToolCalls: false,
      stop: ['###'],
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      user: 'user-7',
      reasoningEffort: 'medium',
    });
  });

  it('keeps string content and a string system prompt simple', () => {
    const { request, thinking, hints } = parseAnthropicMessagesRequest({
      model: 'c',
      max_tokens: 10,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hi' }],
      tool_choice: { type: 'auto' },
    });
    expect(request).toEqual({ model: 'c', maxTokens: 10, stream: false, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
    expect(thinking).toBe(false);
    expect(hints).toEqual({});
  });

  it.each([
    [{ model: 'c', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens', /required, expected number/],
    [{ model: 'c', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role', /system|user/],
    [{ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png' } }] }] }, 'messages[0].content[0].source.data', /required/],
    [{ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] }, 'messages[0].content[0].tool_use_id', /required/],
    [{ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], temperature: 1.5 }, 'temperature', /<=1/],
    [{ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], tool_choice: { type: 'sometimes' } }, 'tool_choice.type', /expected one of/],
  ])('names the path of an invalid field: %j', (body, param, message) => {
    const err = rejection(body);
    expect(err.code).toBe('invalid_request');
    expect(err.param).toBe(param);
    expect(err.message).toMatch(message);
  });

  it('refuses server tools and a tool_choice naming an unknown tool', () => {
    const base = { model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };
    expect(rejection({ ...base, tools: [{ type: 'web_search_20250305', name: 'web_search' }] })).toMatchObject({ code: 'unsupported_parameter', param: 'tools[0].type' });
    expect(rejection({ ...base, tools: [{ name: 'a' }] })).toMatchObject({ code: 'invalid_request', param: 'tools[0].input_schema' });
    expect(rejection({ ...base, tools: [{ name: 'a', input_schema: {} }], tool_choice: { type: 'tool', name: 'b' } })).toMatchObject({ param: 'tool_choice.name' });
  });
});

const usage: Usage = { inputTokens: 100, outputTokens: 30, cachedInputTokens: 60, cacheWriteTokens: 10, reasoningTokens: 0, source: 'provider' };

describe('encodeAnthropicMessage', () => {
  const resp: ChatResponse = {
    id: 'msg_1',
    model: 'claude-x',
    created: 1,
    content: 'Let me check.',
    reasoning: 'thinking…',
    toolCalls: [
      { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Beijing"}' },
      { id: 'toolu_2', name: 'broken', arguments: '{"city":' },
    ],
    finishReason: 'tool_calls',
    usage,
  };

  it('writes the Messages shape: text then tool_use blocks, Anthropic usage semantics', () => {
    expect(encodeAnthropicMessage(resp, { usage })).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Beijing' } },
        { type: 'tool_use', id: 'toolu_2', name: 'broken', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 30, cache_creation_input_tokens: 10, cache_read_input_tokens: 60, output_tokens: 30 },
    });
  });

  it('adds a thinking block only when the client enabled thinking', () => {
    expect(encodeAnthropicMessage(resp, { usage, includeThinking: true }).content[0]).toEqual({ type: 'thinking', thinking: 'thinking…', signature: '' });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['content_filter', 'refusal'],
  ] as const)('maps finish %s → stop_reason %s', (finish, stop) => {
    expect(encodeAnthropicMessage({ ...resp, toolCalls: [], finishReason: finish }, { usage }).stop_reason).toBe(stop);
  });

  describe('through the official Anthropic SDK', () => {
    let server: CodecTestServer;
    beforeAll(async () => {
      server = await startCodecTestServer();
    });
    afterAll(() => server.close());

    it('parses the response', async () => {
      server.respondWith({ contentType: 'application/json', body: JSON.stringify(encodeAnthropicMessage(resp, { usage })) });
      const client = new Anthropic({ apiKey: 'k', baseURL: server.url, maxRetries: 0 });
      const msg = await client.messages.create({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
      expect(msg.content.map((b) => b.type)).toEqual(['text', 'tool_use', 'tool_use']);
      expect(msg.usage.cache_read_input_tokens).toBe(60);
    });
  });
});
