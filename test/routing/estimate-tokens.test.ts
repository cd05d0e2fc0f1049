import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/chat.js';
import { estimateInputTokens, estimateTextTokens } from '../../src/gateway/routing/estimate-tokens.js';

describe('token estimates', () => {
  it('counts UTF-8 bytes (bound) and a typical guess per message, parts and tool calls included', () => {
    const req: ChatRequest = {
      model: 'm',
      stream: false,
      messages: [
        // 14 ASCII: bound 14 + 8 framing; typical ⌈14/4⌉ + 4.
        { role: 'system', content: 'You are terse.' },
        // Text parts 'Describe ' + 'this 图片 😀': 15 ASCII, 4 other (2 CJK, 2 surrogate halves) = 27 bytes; one image.
        { role: 'user', content: [{ type: 'text', text: 'Describe ' }, { type: 'image', url: 'https://x/y.png' }, { type: 'text', text: 'this 图片 😀' }] },
        // Tool call name + arguments: 14 ASCII + 'é' = 16 bytes.
        { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{"q":"é"}' }] },
        // Opaque part: its JSON (26 bytes).
        { role: 'user', content: [{ type: 'opaque', format: 'openai', value: { kind: 'audio', id: 'a1' } }] },
      ],
      // Tools JSON: 75 bytes.
      tools: [{ name: 'lookup', description: 'Looks up', parameters: { type: 'object' } }],
    };
    // Bound: 22 + (27 + 8 + 1,600) + 24 + 34 + 75; typical: 8 + (⌈15/4 + 4⌉ + 4 + 800) + 9 + 11 + 19.
    expect(estimateInputTokens(req)).toEqual({ upperBound: 1790, typical: 859 });
  });

  it('rounds the typical guess up per message, not per part', () => {
    const parts: ChatRequest = { model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'ab' }, { type: 'text', text: 'cd' }] }] };
    const whole: ChatRequest = { model: 'm', stream: false, messages: [{ role: 'user', content: 'abcd' }] };
    expect(estimateInputTokens(parts)).toEqual(estimateInputTokens(whole));
    expect(estimateInputTokens(whole)).toEqual({ upperBound: 12, typical: 5 });
  });

  it('estimates embedding inputs text by text', () => {
    expect(estimateTextTokens(['hello world', 'né 中', ''])).toEqual({ upperBound: 21, typical: 9 });
  });
});
