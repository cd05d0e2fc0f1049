import { describe, expect, it } from 'vitest';
import { HubError } from '../../src/core/errors.js';
import { parseOpenAiChatRequest } from '../../src/http/v1/openai/index.js';

function rejection(body: unknown): HubError {
  try {
    parseOpenAiChatRequest(body);
  } catch (err) {
    if (err instanceof HubError) return err;
    throw err;
  }
  throw new Error('expected the body to be rejected');
}

const user = (content: unknown) => ({ role: 'user', content });

describe('parseOpenAiChatRequest', () => {
  it('maps a full request onto the canonical shape', () => {
    const { request, hints } = parseOpenAiChatRequest({
      model: 'chat-premium',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'system', content: [{ type: 'text', text: 'Answer in English.' }] },
        user([
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
          { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
        ]),
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }],
          reasoning_content: 'think',
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 100,
      max_completion_tokens: 200,
      temperature: 0.3,
      top_p: 0.9,
      n: 1,
      stop: 'END',
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      tools: [{ type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object' }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      reasoning_effort: 'low',
      user: 'alice',
      logprobs: true,
      top_logprobs: 2,
      service_tier: 'default',
      metadata: { a: 'b' },
      store: false,
      logit_bias: { '50256': -100 },
      enable_thinking: false,
      temperature_extra: null,
      zhongshu: { biz_level: 'premium', prefer_cost: 'low', capabilities: ['vision', 'vision'], end_user: 'u-9' },
    });
    expect(request).toEqual({
      model: 'chat-premium',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: [{ type: 'text', text: 'Answer in English.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image', url: 'https://example.com/cat.png', detail: 'low' },
            { type: 'opaque', format: 'openai', value: { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } } },
          ],
        },
        { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' }], reasoning: 'think' },
        { role: 'tool', toolCallId: 'call_1', content: 'a cat' },
      ],
      stream: true,
      includeUsage: true,
      maxTokens: 200,
      temperature: 0.3,
      topP: 0.9,
      stop: ['END'],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      tools: [{ name: 'lookup', description: 'Look up', parameters: { type: 'object' }, strict: true }],
      toolChoice: { name: 'lookup' },
      parallelToolCalls: false,
      responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
      reasoningEffort: 'low',
      user: 'alice',
      passthrough: {
        logprobs: true,
        top_logprobs: 2,
        service_tier: 'default',
        metadata: { a: 'b' },
        store: false,
        logit_bias: { '50256': -100 },
        enable_thinking: false,
      },
    });
    expect(hints).toEqual({ bizLevel: 'premium', costPreference: 'low', capabilities: ['vision'], endUser: 'u-9' });
  });

  it('keeps a minimal request minimal, and takes the end user from `user`', () => {
    const { request, hints } = parseOpenAiChatRequest({ model: 'm', messages: [user('hi')], user: 'bob', temperature: null, stream_options: { include_usage: true } });
    expect(request).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: false, user: 'bob' });
    expect(hints).toEqual({ endUser: 'bob' });
  });

  it('keeps unknown reasoning_effort values for OpenAI-compatible upstreams', () => {
    const { request } = parseOpenAiChatRequest({ model: 'm', messages: [user('hi')], reasoning_effort: 'xhigh' });
    expect(request.reasoningEffort).toBeUndefined();
    expect(request.passthrough).toEqual({ reasoning_effort: 'xhigh' });
  });

  it('refuses n > 1 with unsupported_parameter', () => {
    const err = rejection({ model: 'm', messages: [user('hi')], n: 3 });
    expect(err.code).toBe('unsupported_parameter');
    expect(err.param).toBe('n');
    expect(err.status).toBe(400);
  });

  it.each([
    [{ messages: [user('x')] }, 'model', /'model': required, expected string/],
    [{ model: 'm', messages: [] }, 'messages', /'messages'/],
    [{ model: 'm', messages: [user(5)] }, 'messages[0].content', /expected string or array/],
    [{ model: 'm', messages: [user([{ type: 'image_url', image_url: {} }])] }, 'messages[0].content[0].image_url.url', /required, expected string/],
    [{ model: 'm', messages: [user([{ type: 'text', text: 1 }])] }, 'messages[0].content[0].text', /expected string/],
    [{ model: 'm', messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, 'messages[0].content[0].type', /not allowed here; expected 'text'/],
    [{ model: 'm', messages: [{ role: 'function', content: 'x' }] }, 'messages[0].role', /expected one of 'system' \| 'developer' \| 'user' \| 'assistant' \| 'tool'/],
    [{ model: 'm', messages: [user('x'), { role: 'tool', content: 'r' }] }, 'messages[1].tool_call_id', /required, expected string/],
    [{ model: 'm', messages: [user('x')], temperature: 2.5 }, 'temperature', /<=2/],
    [{ model: 'm', messages: [user('x')], presence_penalty: -3 }, 'presence_penalty', />=-2/],
    [{ model: 'm', messages: [user('x')], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', /<=4/],
    [{ model: 'm', messages: [user('x')], max_tokens: 0 }, 'max_tokens', />=1/],
    [{ model: 'm', messages: [user('x')], tools: [{ type: 'function', function: {} }] }, 'tools[0].function.name', /required/],
    [{ model: 'm', messages: [user('x')], response_format: { type: 'xml' } }, 'response_format.type', /expected one of/],
    [{ model: 'm', messages: [user('x')], zhongshu: { biz_levl: 'premium' } }, 'zhongshu', /unknown field\(s\) 'biz_levl'/],
    [{ model: 'm', messages: [user('x')], zhongshu: { biz_level: 'vip' } }, 'zhongshu.biz_level', /premium/],
  ])('names the path of an invalid field: %j', (body, param, message) => {
    const err = rejection(body);
    expect(err.code).toBe('invalid_request');
    expect(err.param).toBe(param);
    expect(err.message).toContain(`'${param}'`);
    expect(err.message).toMatch(message);
  });

  it('checks tool_choice against tools', () => {
    expect(rejection({ model: 'm', messages: [user('x')], tool_choice: 'required' }).param).toBe('tool_choice');
    const named = rejection({
      model: 'm',
      messages: [user('x')],
      tools: [{ type: 'function', function: { name: 'a' } }],
      tool_choice: { type: 'function', function: { name: 'b' } },
    });
    expect(named.param).toBe('tool_choice.function.name');
    // 'auto' without tools is harmless and dropped.
    expect(parseOpenAiChatRequest({ model: 'm', messages: [user('x')], tool_choice: 'auto' }).request.toolChoice).toBeUndefined();
  });

  it('rejects a body that is not a JSON object', () => {
    expect(rejection([1, 2]).code).toBe('invalid_request');
    expect(rejection('hello').message).toMatch(/JSON object/);
  });
});
