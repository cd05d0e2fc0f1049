import { describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from '../../src/core/chat.js';
import { HubError } from '../../src/core/errors.js';
import { readOpenAiStream } from '../../src/providers/shared/openai-compatible-stream.js';
import { OPENAI_SPEC } from '../../src/providers/openai/openai-adapter.js';
import { ZHIPU_SPEC } from '../../src/providers/zhipu/zhipu-adapter.js';
import { MOONSHOT_SPEC } from '../../src/providers/moonshot/moonshot-adapter.js';
import type { OpenAiCompatibleSpec } from '../../src/providers/shared/openai-compatible-spec.js';

const enc = new TextEncoder();

function frames(...chunks: Array<object | string>): string {
  return chunks.map((c) => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\n\n`).join('');
}

async function* bodyOf(text: string, failWith?: Error): AsyncGenerator<Uint8Array> {
  yield enc.encode(text);
  if (failWith) throw failWith;
}

interface Outcome {
  events: ChatStreamEvent[];
  error?: HubError;
}

async function run(text: string, spec: OpenAiCompatibleSpec = OPENAI_SPEC, failWith?: Error): Promise<Outcome> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const ev of readOpenAiStream(bodyOf(text, failWith), { spec, model: 'm', requestId: 'r1', secret: 'sk-secret-1234' })) events.push(ev);
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    return { events, error: err as HubError };
  }
  return { events };
}

const head = { id: 'c1', created: 1700000000, model: 'gpt-x' };
const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({ ...head, choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
const usage = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 };
const usageEvent = { type: 'usage', usage: { inputTokens: 9, outputTokens: 3, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' } };

describe('readOpenAiStream', () => {
  it('emits start, deltas, finish then usage from a choices:[] chunk', async () => {
    const { events, error } = await run(
      frames(
        chunk({ role: 'assistant', content: '' }, null, { usage: null }),
        chunk({ reasoning_content: 'think' }, null, { usage: null }),
        chunk({ content: 'Hel' }, null, { usage: null }),
        chunk({ content: 'lo' }, null, { usage: null }),
        chunk({}, 'stop', { usage: null }),
        { ...head, choices: [], usage },
        '[DONE]',
      ),
    );
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { type: 'message-start', id: 'c1', model: 'gpt-x', created: 1700000000 },
      { type: 'reasoning-delta', text: 'think' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'finish', finishReason: 'stop' },
      usageEvent,
    ]);
  });

  it('streams tool calls by index', async () => {
    const { events } = await run(
      frames(
        chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'fa', arguments: '' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x"' } }] }),
        chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'fb', arguments: '{}' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
        chunk({}, 'tool_calls'),
        '[DONE]',
      ),
    );
    expect(events.slice(1)).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_a', name: 'fa' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"x"' },
      { type: 'tool-call-start', index: 1, id: 'call_b', name: 'fb' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('assigns indexes to tool calls from servers that omit `index`', async () => {
    const { events } = await run(
      frames(
        chunk({ tool_calls: [{ id: 'call_a', function: { name: 'fa', arguments: '{"a":' } }] }),
        chunk({ tool_calls: [{ function: { arguments: '1}' } }] }),
        chunk({ tool_calls: [{ id: 'call_b', function: { name: 'fb', arguments: '{}' } }] }),
        chunk({}, 'stop'),
        '[DONE]',
      ),
    );
    expect(events.slice(1)).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_a', name: 'fa' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '1}' },
      { type: 'tool-call-start', index: 1, id: 'call_b', name: 'fb' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      // `stop` next to tool calls is reported as `tool_calls`.
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('emits finish before usage when both arrive in the same chunk, and completes without [DONE]', async () => {
    const { events, error } = await run(frames(chunk({ content: 'a' }), chunk({}, 'length', { usage })), ZHIPU_SPEC);
    expect(error).toBeUndefined();
    expect(events.slice(-2)).toEqual([{ type: 'finish', finishReason: 'length' }, usageEvent]);
  });

  it('reads usage inside the final choice (Moonshot)', async () => {
    const { events } = await run(frames(chunk({ content: 'a' }), { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop', usage }] }, '[DONE]'), MOONSHOT_SPEC);
    expect(events.at(-1)).toEqual(usageEvent);
  });

  it('ends without a usage event when the upstream sent none; keeps explicit zero', async () => {
    const none = await run(frames(chunk({ content: 'a' }), chunk({}, 'stop'), '[DONE]'));
    expect(none.events.map((e) => e.type)).toEqual(['message-start', 'text-delta', 'finish']);
    const zero = await run(frames(chunk({ content: 'a' }), chunk({}, 'stop'), { ...head, choices: [], usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } }, '[DONE]'));
    expect(zero.events.at(-1)).toEqual({ type: 'usage', usage: { ...usageEvent.usage, inputTokens: 0, outputTokens: 0 } });
  });

  it('throws upstream_stream_interrupted at EOF without finish or [DONE]', async () => {
    const { events, error } = await run(frames(chunk({ content: 'a' })));
    expect(events.map((e) => e.type)).toEqual(['message-start', 'text-delta']);
    expect(error?.code).toBe('upstream_stream_interrupted');
  });

  it('yields usage already received before throwing on an interruption', async () => {
    const { events, error } = await run(frames(chunk({ content: 'a' }, null, { usage })));
    expect(events.at(-1)).toEqual(usageEvent);
    expect(events.some((e) => e.type === 'finish')).toBe(false);
    expect(error?.code).toBe('upstream_stream_interrupted');
  });

  it('turns a body reset after the first event into upstream_stream_interrupted, before it keeps the retryable code', async () => {
    const reset = new HubError('upstream_connection_failed', 'reset');
    const after = await run(frames(chunk({ content: 'a' })), OPENAI_SPEC, reset);
    expect(after.error?.code).toBe('upstream_stream_interrupted');
    const before = await run('', OPENAI_SPEC, reset);
    expect(before.error).toBe(reset);
  });

  it('throws a classified HubError for an error chunk, scrubbing the key', async () => {
    const { error } = await run(frames(chunk({ content: 'a' }), { error: { message: 'boom for key sk-secret-1234', type: 'server_error' } }));
    expect(error?.code).toBe('upstream_error');
    expect(error?.message).not.toContain('sk-secret-1234');
    const zhipu = await run(frames({ error: { code: '1301', message: 'unsafe' } }), ZHIPU_SPEC);
    expect(zhipu.error?.code).toBe('content_filtered');
  });

  it('throws upstream_error on a malformed chunk and on Zhipu network_error', async () => {
    expect((await run(frames(chunk({ content: 'a' }), '{"id":'))).error?.code).toBe('upstream_error');
    const net = await run(frames(chunk({ content: 'a' }), chunk({}, 'network_error', { usage })), ZHIPU_SPEC);
    expect(net.error?.code).toBe('upstream_error');
    expect(net.error?.retryable).toBe(true);
    expect(net.events.at(-1)).toEqual(usageEvent);
  });

  it('maps sensitive to content_filter and skips keep-alive comments', async () => {
    const { events } = await run(`: keep-alive\n\n${frames(chunk({ content: 'a' }))}: keep-alive\n\n${frames(chunk({}, 'sensitive'), '[DONE]')}`, ZHIPU_SPEC);
    expect(events.map((e) => e.type)).toEqual(['message-start', 'text-delta', 'finish']);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'content_filter' });
  });
});
