import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/chat.js';
import { HubError } from '../../src/core/errors.js';
import type { UpstreamTarget } from '../../src/core/provider.js';
import { buildChatBody } from '../../src/providers/shared/openai-compatible-request.js';
import { normaliseUsage, parseChatResponse, parseJsonText } from '../../src/providers/shared/openai-compatible-response.js';
import type { OpenAiCompatibleSpec } from '../../src/providers/shared/openai-compatible-spec.js';
import { OPENAI_SPEC } from '../../src/providers/openai/openai-adapter.js';
import { DEEPSEEK_SPEC } from '../../src/providers/deepseek/deepseek-adapter.js';
import { ZHIPU_SPEC } from '../../src/providers/zhipu/zhipu-adapter.js';
import { MOONSHOT_SPEC } from '../../src/providers/moonshot/moonshot-adapter.js';
import { QWEN_SPEC } from '../../src/providers/qwen/qwen-adapter.js';
import { AZURE_OPENAI_SPEC } from '../../src/providers/azure-openai/azure-openai-adapter.js';

const target: UpstreamTarget = {
  deploymentId: 'd1',
  baseUrl: 'https://upstream.example/v1',
  model: 'up-model',
  apiKey: 'sk-secret-1234',
  headers: {},
  options: {},
  allowPrivateNetwork: false,
};

function req(partial: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'alias', messages: [{ role: 'user', content: 'hi' }], stream: false, ...partial };
}

const plain: OpenAiCompatibleSpec = { ...OPENAI_SPEC, maxTokensField: 'max_tokens' };

describe('buildChatBody', () => {
  it('maps the canonical request to an OpenAI body with target.model', () => {
    const body = buildChatBody(
      req({
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'be brief' }, { type: 'text', text: 'be kind' }] },
          {
            role: 'user',
            name: 'u1',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image', url: 'data:image/png;base64,AAAA', detail: 'low' },
              { type: 'opaque', format: 'openai', value: { type: 'input_audio', input_audio: { data: 'x', format: 'wav' } } },
            ],
          },
          { role: 'assistant', content: null, reasoning: 'thought', toolCalls: [{ id: 'call_1', name: 'f', arguments: '{"a":1}' }] },
          { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: 'r1' }, { type: 'text', text: 'r2' }] },
        ],
        maxTokens: 100,
        temperature: 0.5,
        topP: 0.9,
        topK: 40,
        stop: ['END'],
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        tools: [{ name: 'f', description: 'does f', parameters: { type: 'object', properties: { a: { type: 'number' } } }, strict: true }],
        toolChoice: { name: 'f' },
        parallelToolCalls: false,
        responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
        reasoningEffort: 'low',
        user: 'end-user-1',
      }),
      target,
      plain,
    );
    expect(body).toEqual({
      model: 'up-model',
      messages: [
        { role: 'system', content: 'be brief\nbe kind' },
        {
          role: 'user',
          name: 'u1',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
            { type: 'input_audio', input_audio: { data: 'x', format: 'wav' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'r1r2' },
      ],
      max_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      tools: [{ type: 'function', function: { name: 'f', description: 'does f', parameters: { type: 'object', properties: { a: { type: 'number' } } }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      reasoning_effort: 'low',
      user: 'end-user-1',
      stream: false,
    });
  });

  it('uses max_completion_tokens for OpenAI and sends top_k only where supported', () => {
    expect(buildChatBody(req({ maxTokens: 5, topK: 3 }), target, OPENAI_SPEC)).toMatchObject({ max_completion_tokens: 5 });
    expect(buildChatBody(req({ maxTokens: 5, topK: 3 }), target, OPENAI_SPEC)).not.toHaveProperty('top_k');
    expect(buildChatBody(req({ topK: 3 }), target, QWEN_SPEC)).toMatchObject({ top_k: 3 });
  });

  it('always asks for stream usage where the vendor takes stream_options', () => {
    expect(buildChatBody(req({ stream: true, includeUsage: false }), target, OPENAI_SPEC)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(buildChatBody(req({ stream: true }), target, ZHIPU_SPEC)).not.toHaveProperty('stream_options');
  });

  it('merges passthrough last but never lets it set model, stream, messages or stream_options', () => {
    const body = buildChatBody(
      req({ stream: true, temperature: 0.1, passthrough: { model: 'evil', stream: false, messages: [], stream_options: { include_usage: false }, temperature: 0.3, logprobs: true, enable_thinking: false } }),
      target,
      plain,
    );
    expect(body).toMatchObject({ model: 'up-model', stream: true, stream_options: { include_usage: true }, temperature: 0.3, logprobs: true, enable_thinking: false });
    expect(body.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('refuses Anthropic-only content parts and non-text tool results', () => {
    const anthropicPart = req({ messages: [{ role: 'user', content: [{ type: 'opaque', format: 'anthropic', value: { type: 'document' } }] }] });
    expect(() => buildChatBody(anthropicPart, target, plain)).toThrow(HubError);
    try {
      buildChatBody(anthropicPart, target, plain);
    } catch (err) {
      expect((err as HubError).code).toBe('unsupported_parameter');
      expect((err as HubError).message).toContain('document');
    }
    const imageTool = req({ messages: [{ role: 'tool', toolCallId: 'c', content: [{ type: 'image', url: 'https://x/y.png' }] }] });
    expect(() => buildChatBody(imageTool, target, plain)).toThrow(/tool results/);
  });

  it('maps tool_choice strings and json_object', () => {
    expect(buildChatBody(req({ toolChoice: 'required', responseFormat: { type: 'json_object' } }), target, plain)).toMatchObject({ tool_choice: 'required', response_format: { type: 'json_object' } });
  });

  it('applies vendor quirks: DeepSeek strips reasoning and logprobs and flattens text parts', () => {
    const body = buildChatBody(
      req({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
          { role: 'assistant', content: 'x', reasoning: 'r' },
        ],
        passthrough: { logprobs: true, top_logprobs: 2 },
      }),
      { ...target, model: 'deepseek-reasoner' },
      DEEPSEEK_SPEC,
    );
    expect(body.messages).toEqual([{ role: 'user', content: 'ab' }, { role: 'assistant', content: 'x' }]);
    expect(body).not.toHaveProperty('logprobs');
    expect(body).not.toHaveProperty('top_logprobs');
    const chat = buildChatBody(req({ passthrough: { logprobs: true } }), { ...target, model: 'deepseek-chat' }, DEEPSEEK_SPEC);
    expect(chat).toMatchObject({ logprobs: true });
  });

  it('applies vendor quirks: Zhipu and Moonshot clamp sampling parameters', () => {
    expect(buildChatBody(req({ temperature: 1.7, topP: 1 }), target, ZHIPU_SPEC)).toMatchObject({ temperature: 1, top_p: 0.99 });
    expect(buildChatBody(req({ temperature: 0, topP: 0 }), target, ZHIPU_SPEC)).toMatchObject({ temperature: 0, top_p: 0.01 });
    expect(buildChatBody(req({ temperature: 2, topP: 1 }), target, MOONSHOT_SPEC)).toMatchObject({ temperature: 1, top_p: 1 });
  });

  it('omits model for Azure, and stream_options for api-versions before 2024-09-01', () => {
    expect(buildChatBody(req(), target, AZURE_OPENAI_SPEC)).not.toHaveProperty('model');
    expect(buildChatBody(req({ stream: true }), target, AZURE_OPENAI_SPEC)).toHaveProperty('stream_options');
    const old = { ...target, options: { apiVersion: '2024-06-01' } };
    expect(buildChatBody(req({ stream: true }), old, AZURE_OPENAI_SPEC)).not.toHaveProperty('stream_options');
    const preview = { ...target, options: { apiVersion: '2025-04-01-preview' } };
    expect(buildChatBody(req({ stream: true }), preview, AZURE_OPENAI_SPEC)).toHaveProperty('stream_options');
  });

  it('maps the end-user tag to Zhipu user_id, dropping ids GLM would refuse', () => {
    const long = buildChatBody(req({ user: 'employee-42' }), target, ZHIPU_SPEC);
    expect(long).toMatchObject({ user_id: 'employee-42' });
    expect(long).not.toHaveProperty('user');
    const short = buildChatBody(req({ user: 'bob' }), target, ZHIPU_SPEC);
    expect(short).not.toHaveProperty('user');
    expect(short).not.toHaveProperty('user_id');
  });
});

describe('parseChatResponse', () => {
  const ctx = { spec: OPENAI_SPEC, model: 'up-model', requestId: 'r1' };

  it('maps content, reasoning, tool calls, finish reason and usage', () => {
    const res = parseChatResponse(
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1700000000,
        model: 'gpt-x',
        extra_field: { ignored: true },
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              reasoning_content: 'because',
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30, prompt_tokens_details: { cached_tokens: 5 }, completion_tokens_details: { reasoning_tokens: 4 } },
      },
      ctx,
    );
    expect(res).toEqual({
      id: 'chatcmpl-1',
      model: 'gpt-x',
      created: 1700000000,
      content: null,
      reasoning: 'because',
      toolCalls: [{ id: 'call_1', name: 'f', arguments: '{"a":1}' }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 20, outputTokens: 10, cachedInputTokens: 5, cacheWriteTokens: 0, reasoningTokens: 4, source: 'provider' },
    });
  });

  it('keeps explicit zero usage and reports missing usage as undefined', () => {
    const base = { id: 'x', choices: [{ message: { content: 'hi' }, finish_reason: 'stop' }] };
    expect(parseChatResponse({ ...base, usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } }, ctx).usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      source: 'provider',
    });
    expect(parseChatResponse(base, ctx).usage).toBeUndefined();
    expect(parseChatResponse({ ...base, usage: null }, ctx).usage).toBeUndefined();
  });

  it('reads DeepSeek prompt_cache_hit_tokens and maps Zhipu finish reasons', () => {
    expect(normaliseUsage({ prompt_tokens: 10, completion_tokens: 2, prompt_cache_hit_tokens: 8 }, DEEPSEEK_SPEC)?.cachedInputTokens).toBe(8);
    const sensitive = { id: 'x', choices: [{ message: { content: 'partial' }, finish_reason: 'sensitive' }] };
    expect(parseChatResponse(sensitive, { ...ctx, spec: ZHIPU_SPEC }).finishReason).toBe('content_filter');
    const networkError = { id: 'x', choices: [{ message: { content: 'partial' }, finish_reason: 'network_error' }] };
    expect(() => parseChatResponse(networkError, { ...ctx, spec: ZHIPU_SPEC })).toThrow(/network_error/);
  });

  it('refuses bodies without choices, and malformed JSON, as upstream_error', () => {
    expect(() => parseChatResponse({ id: 'x', choices: [] }, ctx)).toThrow(HubError);
    expect(() => parseChatResponse({ foo: 1 }, ctx)).toThrow(/no choices/);
    expect(() => parseJsonText('{"id":"x","choi', 'OpenAI')).toThrow(/malformed or truncated/);
    expect(parseJsonText('\n\n  {"a":1}', 'DeepSeek')).toEqual({ a: 1 });
  });
});
