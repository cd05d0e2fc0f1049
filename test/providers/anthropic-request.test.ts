import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/chat.js';
import { HubError } from '../../src/core/errors.js';
import type { UpstreamTarget } from '../../src/core/provider.js';
import { anthropicHeaders, anthropicUrl, buildAnthropicRequest } from '../../src/providers/anthropic/index.js';

const target = (over: Partial<UpstreamTarget> = {}): UpstreamTarget => ({
  deploymentId: 'd1',
  baseUrl: 'https://api.anthropic.com',
  model: 'claude-sonnet-4',
  apiKey: 'sk-ant-secret',
  headers: {},
  options: {},
  allowPrivateNetwork: false,
  ...over,
});

const req = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'claude',
  messages: [{ role: 'user', content: 'hi' }],
  stream: false,
  ...over,
});

function thrown(fn: () => unknown): HubError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    return err as HubError;
  }
  throw new Error('expected a throw');
}

describe('buildAnthropicRequest', () => {
  it('moves system messages to top-level system and defaults max_tokens', () => {
    const body = buildAnthropicRequest(
      req({ messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }, { role: 'system', content: [{ type: 'text', text: 'and kind' }] }] }),
      target(),
    );
    expect(body.system).toBe('be brief\n\nand kind');
    expect(body.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(body.max_tokens).toBe(4096);
    expect(body.model).toBe('claude-sonnet-4');
    expect(buildAnthropicRequest(req(), target({ options: { defaultMaxTokens: 1000 } })).max_tokens).toBe(1000);
    expect(buildAnthropicRequest(req({ maxTokens: 7 }), target({ options: { defaultMaxTokens: 1000 } })).max_tokens).toBe(7);
  });

  it('maps tool calls and tool results, merging consecutive same-role turns', () => {
    const body = buildAnthropicRequest(
      req({
        messages: [
          { role: 'user', content: 'weather in Paris and Oslo?' },
          { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 't1', name: 'w', arguments: '{"city":"Paris"}' }, { id: 't2', name: 'w', arguments: '{"city":"Oslo"}' }] },
          { role: 'tool', toolCallId: 't1', content: 'sunny' },
          { role: 'tool', toolCallId: 't2', content: 'failed', isError: true },
          { role: 'user', content: 'thanks' },
        ],
      }),
      target(),
    );
    expect(body.messages).toEqual([
      { role: 'user', content: 'weather in Paris and Oslo?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 't1', name: 'w', input: { city: 'Paris' } },
          { type: 'tool_use', id: 't2', name: 'w', input: { city: 'Oslo' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 't2', content: 'failed', is_error: true },
          { type: 'text', text: 'thanks' },
        ],
      },
    ]);
  });

  it('refuses invalid tool-call JSON and OpenAI opaque parts; passes Anthropic ones through', () => {
    const bad = thrown(() => buildAnthropicRequest(req({ messages: [{ role: 'assistant', content: null, toolCalls: [{ id: 'x', name: 'f', arguments: '{nope' }] }] }), target()));
    expect(bad.code).toBe('invalid_request');
    const opaque = thrown(() =>
      buildAnthropicRequest(req({ messages: [{ role: 'user', content: [{ type: 'opaque', format: 'openai', value: { type: 'input_audio' } }] }] }), target()),
    );
    expect(opaque.code).toBe('unsupported_parameter');
    const doc = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } };
    const body = buildAnthropicRequest(req({ messages: [{ role: 'user', content: [{ type: 'opaque', format: 'anthropic', value: doc }] }] }), target());
    expect(body.messages).toEqual([{ role: 'user', content: [doc] }]);
  });

  it('maps images: data URL to base64 source, http(s) to url source', () => {
    const body = buildAnthropicRequest(
      req({ messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/png;base64,AAAA' }, { type: 'image', url: 'https://x.test/a.png' }, { type: 'text', text: 'what?' }] }] }),
      target(),
    );
    expect((body.messages as any)[0].content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
      { type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } },
      { type: 'text', text: 'what?' },
    ]);
    expect(thrown(() => buildAnthropicRequest(req({ messages: [{ role: 'user', content: [{ type: 'image', url: 'ftp://x' }] }] }), target())).code).toBe('invalid_request');
  });

  it('maps sampling, stop, tools, tool choice, parallel flag and user', () => {
    const body = buildAnthropicRequest(
      req({
        temperature: 1.7,
        topP: 0.9,
        topK: 40,
        stop: ['END'],
        user: 'u-42',
        tools: [{ name: 'f', description: 'does f', parameters: { type: 'object', properties: { a: { type: 'string' } } } }, { name: 'g' }],
        toolChoice: 'required',
        parallelToolCalls: false,
      }),
      target(),
    );
    expect(body).toMatchObject({
      temperature: 1,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-42' },
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(body.tools).toEqual([
      { name: 'f', description: 'does f', input_schema: { type: 'object', properties: { a: { type: 'string' } } } },
      { name: 'g', input_schema: { type: 'object', properties: {} } },
    ]);
    const tools = [{ name: 'f' }];
    expect(buildAnthropicRequest(req({ tools, toolChoice: 'auto' }), target()).tool_choice).toEqual({ type: 'auto' });
    expect(buildAnthropicRequest(req({ tools, toolChoice: 'none' }), target()).tool_choice).toEqual({ type: 'none' });
    expect(buildAnthropicRequest(req({ tools, toolChoice: { name: 'f' } }), target()).tool_choice).toEqual({ type: 'tool', name: 'f' });
    expect(buildAnthropicRequest(req({ temperature: -1 }), target()).temperature).toBe(0);
    expect(buildAnthropicRequest(req({ toolChoice: 'required' }), target()).tool_choice).toBeUndefined();
  });

  it('asks for JSON with a system instruction (Anthropic has no JSON mode)', () => {
    const body = buildAnthropicRequest(
      req({ messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'hi' }], responseFormat: { type: 'json_schema', name: 'person', schema: { type: 'object', properties: { name: { type: 'string' } } } } }),
      target(),
    );
    expect(body.system).toMatch(/^sys\n\nRespond with a single valid JSON value only/);
    expect(body.system).toContain('"person"');
    expect(body.system).toContain('{"type":"object","properties":{"name":{"type":"string"}}}');
    expect(buildAnthropicRequest(req({ responseFormat: { type: 'json_object' } }), target()).system).toMatch(/JSON object/);
    expect(buildAnthropicRequest(req({ responseFormat: { type: 'text' } }), target()).system).toBeUndefined();
  });

  it('maps reasoning effort to a thinking budget below max_tokens and drops temperature then', () => {
    const body = buildAnthropicRequest(req({ reasoningEffort: 'high', maxTokens: 8000, temperature: 0.5 }), target());
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 7999 });
    expect(body.temperature).toBeUndefined();
    expect(buildAnthropicRequest(req({ reasoningEffort: 'low', maxTokens: 500 }), target()).thinking).toBeUndefined();
  });

  it('drops empty assistant turns and refuses a request with nothing to send', () => {
    const body = buildAnthropicRequest(req({ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: null }, { role: 'user', content: 'b' }] }), target());
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]);
    expect(thrown(() => buildAnthropicRequest(req({ messages: [{ role: 'system', content: 'only' }] }), target())).code).toBe('invalid_request');
  });
});

describe('anthropicUrl and anthropicHeaders', () => {
  it('accepts base URLs with or without /v1 and a trailing slash', () => {
    expect(anthropicUrl('https://api.anthropic.com', 'messages')).toBe('https://api.anthropic.com/v1/messages');
    expect(anthropicUrl('https://api.anthropic.com/', 'messages')).toBe('https://api.anthropic.com/v1/messages');
    expect(anthropicUrl('https://proxy.test/anthropic/v1/', 'models')).toBe('https://proxy.test/anthropic/v1/models');
  });

  it('sends the key, version and operator headers, which cannot override the key', () => {
    const h = anthropicHeaders(target({ headers: { 'anthropic-beta': 'x', 'X-Api-Key': 'evil' } }));
    expect(h).toEqual({ 'anthropic-beta': 'x', 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'x-api-key': 'sk-ant-secret' });
    expect(anthropicHeaders(target({ headers: { 'Anthropic-Version': '2024-01-01' } }))['anthropic-version']).toBe('2024-01-01');
  });
});

describe('Anthropic turn rules', () => {
  it('puts tool_result blocks first in a merged user turn and trims a final assistant prefill', () => {
    const body = buildAnthropicRequest(
      req({
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: null, toolCalls: [{ id: 't1', name: 'f', arguments: '{}' }] },
          { role: 'user', content: 'also this' },
          { role: 'tool', toolCallId: 't1', content: [{ type: 'text', text: 'done' }] },
          { role: 'assistant', content: 'The answer is ' },
        ],
      }),
      target(),
    );
    const messages = body.messages as any[];
    expect(messages[2].content).toEqual([
      { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'done' }] },
      { type: 'text', text: 'also this' },
    ]);
    expect(messages[3]).toEqual({ role: 'assistant', content: 'The answer is' });
  });
});
