import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatStreamEvent, Usage } from '../../src/core/chat.js';
import { HubError } from '../../src/core/errors.js';
import { AnthropicStreamEncoder } from '../../src/http/v1/anthropic/index.js';
import { startCodecTestServer, type CodecTestServer } from './codec-test-server.js';

const usage: Usage = { inputTokens: 120, outputTokens: 42, cachedInputTokens: 100, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' };

const events: ChatStreamEvent[] = [
  { type: 'message-start', id: 'msg_1', model: 'claude-x', created: 1 },
  { type: 'reasoning-delta', text: 'Need two tools.' },
  { type: 'text-delta', text: '' },
  { type: 'text-delta', text: 'Let me ' },
  { type: 'text-delta', text: 'check.' },
  { type: 'tool-call-start', index: 0, id: 'toolu_a', name: 'get_weather' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
  { type: 'tool-call-delta', index: 0, argumentsDelta: '"Beijing"}' },
  { type: 'tool-call-start', index: 1, id: 'toolu_b', name: 'get_time' },
  { type: 'tool-call-delta', index: 1, argumentsDelta: '{"tz":"UTC"}' },
  { type: 'finish', finishReason: 'tool_calls' },
  { type: 'usage', usage },
];

interface Frame {
  event: string;
  data: Record<string, unknown> & { type: string };
}

function frames(sse: string): Frame[] {
  return sse
    .split('\n\n')
    .filter((f) => f !== '')
    .map((f) => {
      const m = /^event: (.+)\ndata: (.+)$/.exec(f);
      if (!m) throw new Error(`malformed frame: ${JSON.stringify(f)}`);
      const data = JSON.parse(m[2] as string) as Frame['data'];
      expect(data.type).toBe(m[1]);
      return { event: m[1] as string, data };
    });
}

function encode(enc: AnthropicStreamEncoder, evs: ChatStreamEvent[]): string {
  return evs.map((e) => enc.push(e)).join('') + enc.end();
}

describe('AnthropicStreamEncoder', () => {
  it('emits the exact event order with increasing block indexes (text + two tool calls)', () => {
    const out = frames(encode(new AnthropicStreamEncoder({ inputTokens: 118 }), events));
    expect(out.map((f) => `${f.event}${'index' in f.data ? `#${String(f.data.index)}` : ''}`)).toEqual([
      'message_start',
      'content_block_start#0',
      'content_block_delta#0',
      'content_block_delta#0',
      'content_block_stop#0',
      'content_block_start#1',
      'content_block_delta#1',
      'content_block_delta#1',
      'content_block_stop#1',
      'content_block_start#2',
      'content_block_delta#2',
      'content_block_stop#2',
      'message_delta',
      'message_stop',
    ]);
    expect(out[0]?.data).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-x',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 118, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
      },
    });
    expect(out[1]?.data.content_block).toEqual({ type: 'text', text: '' });
    expect(out[2]?.data.delta).toEqual({ type: 'text_delta', text: 'Let me ' });
    expect(out[5]?.data.content_block).toEqual({ type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} });
    expect(out[6]?.data.delta).toEqual({ type: 'input_json_delta', partial_json: '{"city":' });
    expect(out[12]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 100, output_tokens: 42 },
    });
  });

  it('writes byte-exact frames', () => {
    const out = encode(new AnthropicStreamEncoder(), [
      { type: 'message-start', id: 'msg_2', model: 'm', created: 1 },
      { type: 'text-delta', text: 'Hi' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    expect(out).toBe(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}\n\n' +
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n' +
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":0}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
  });

  it('opens a thinking block first when the client enabled thinking', () => {
    const out = frames(encode(new AnthropicStreamEncoder({ includeThinking: true }), events));
    expect(out[1]?.data.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    expect(out[2]?.data.delta).toEqual({ type: 'thinking_delta', thinking: 'Need two tools.' });
    expect(out.filter((f) => f.event === 'content_block_start').map((f) => f.data.index)).toEqual([0, 1, 2, 3]);
  });

  it('reports the usage the route sets over the upstream one', () => {
    const enc = new AnthropicStreamEncoder();
    enc.usage({ ...usage, outputTokens: 50, source: 'estimated' });
    const delta = frames(encode(enc, events)).find((f) => f.event === 'message_delta');
    expect((delta?.data.usage as { output_tokens: number }).output_tokens).toBe(50);
  });

  it('ends with an error event and nothing after it', () => {
    const enc = new AnthropicStreamEncoder();
    const start = enc.push(events[0]!) + enc.push(events[3]!);
    const err = enc.error(new HubError('upstream_overloaded', 'Overloaded'));
    expect(err).toBe('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n');
    expect(start).toContain('text_delta');
    expect(enc.push(events[4]!)).toBe('');
    expect(enc.end()).toBe('');
  });
});

describe('AnthropicStreamEncoder through the official Anthropic SDK', () => {
  let server: CodecTestServer;
  let client: Anthropic;
  beforeAll(async () => {
    server = await startCodecTestServer();
    client = new Anthropic({ apiKey: 'k', baseURL: server.url, maxRetries: 0 });
  });
  afterAll(() => server.close());

  it('MessageStream accumulates text, both tool_use inputs, stop reason and usage', async () => {
    server.respondWith({ contentType: 'text/event-stream', body: encode(new AnthropicStreamEncoder({ includeThinking: true }), events) });
    const stream = client.messages.stream({ model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const msg = await stream.finalMessage();
    expect(texts.join('')).toBe('Let me check.');
    expect(msg.content).toEqual([
      { type: 'thinking', thinking: 'Need two tools.', signature: '' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Beijing' } },
      { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: { tz: 'UTC' } },
    ]);
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.usage).toMatchObject({ input_tokens: 20, cache_read_input_tokens: 100, output_tokens: 42 });
  });

  it('raises an error from the error event', async () => {
    const enc = new AnthropicStreamEncoder();
    server.respondWith({
      contentType: 'text/event-stream',
      body: enc.push(events[0]!) + enc.push(events[3]!) + enc.error(new HubError('upstream_overloaded', 'Overloaded')),
    });
    const stream = client.messages.stream({ model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
  });
});
