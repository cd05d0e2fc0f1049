import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicFake, type FakeUpstream } from '../fakes/index.js';

const KEY = 'sk-ant-fake-key-5678';

function post(fake: FakeUpstream, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(fake.url + '/v1/messages', {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const msg = (extra: Record<string, unknown> = {}) => ({
  model: 'claude-sonnet-4',
  max_tokens: 100,
  system: 'be brief',
  messages: [{ role: 'user', content: 'hello there fake claude' }],
  ...extra,
});

interface Ev {
  event: string;
  data: any;
}

function events(raw: string): Ev[] {
  return raw
    .split('\n\n')
    .filter((b) => b !== '')
    .map((b) => {
      const [ev, data] = b.split('\n');
      expect(ev).toMatch(/^event: /);
      expect(data).toMatch(/^data: /);
      const parsed = JSON.parse(data!.slice(6));
      expect(parsed.type).toBe(ev!.slice(7));
      return { event: ev!.slice(7), data: parsed };
    });
}

describe('Anthropic fake', () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startAnthropicFake({ apiKey: KEY });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('answers non-stream with content blocks and usage', async () => {
    fake.program({ kind: 'ok', cachedTokens: 5, cacheWriteTokens: 7 });
    const res = await post(fake, msg());
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toBeTruthy();
    const j = (await res.json()) as any;
    expect(j.type).toBe('message');
    expect(j.content).toEqual([{ type: 'text', text: 'Hello from claude-sonnet-4: hello there fake claude' }]);
    expect(j.stop_reason).toBe('end_turn');
    expect(j.usage).toMatchObject({ cache_read_input_tokens: 5, cache_creation_input_tokens: 7 });
    expect(fake.meter.inputTokens).toBe(j.usage.input_tokens + 12);
    expect(fake.meter.cachedInputTokens).toBe(5);
    expect(fake.meter.outputTokens).toBe(j.usage.output_tokens);
  });

  it('streams the documented event order with cumulative output tokens and no [DONE]', async () => {
    const raw = await (await post(fake, msg({ stream: true }))).text();
    expect(raw).not.toContain('[DONE]');
    const evs = events(raw);
    const names = evs.map((e) => e.event);
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(evs[0]!.data.message.usage.output_tokens).toBe(1);
    const text = evs.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.text).join('');
    expect(text).toBe('Hello from claude-sonnet-4: hello there fake claude');
    const md = evs.find((e) => e.event === 'message_delta')!.data;
    expect(md.delta.stop_reason).toBe('end_turn');
    expect(md.usage.output_tokens).toBe(fake.meter.outputTokens);
  });

  it('streams thinking, text and tool_use blocks', async () => {
    fake.program({ kind: 'ok', reasoning: 'let me think', text: 'Calling.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const evs = events(await (await post(fake, msg({ stream: true, tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] }))).text());
    const starts = evs.filter((e) => e.event === 'content_block_start').map((e) => e.data.content_block.type);
    expect(starts).toEqual(['thinking', 'text', 'tool_use']);
    const deltaTypes = new Set(evs.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.type));
    expect([...deltaTypes].sort()).toEqual(['input_json_delta', 'signature_delta', 'text_delta', 'thinking_delta']);
    const json = evs.filter((e) => e.data.delta?.type === 'input_json_delta').map((e) => e.data.delta.partial_json).join('');
    expect(JSON.parse(json)).toEqual({ city: 'Oslo' });
    expect(evs.find((e) => e.event === 'message_delta')!.data.delta.stop_reason).toBe('tool_use');
  });

  it('requires x-api-key and anthropic-version', async () => {
    const bad = await post(fake, msg(), { 'x-api-key': 'wrong' });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as any).error.type).toBe('authentication_error');
    const noVersion = await fetch(fake.url + '/v1/messages', { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify(msg()) });
    expect(noVersion.status).toBe(400);
    const systemRole = await post(fake, msg({ messages: [{ role: 'system', content: 'x' }] }));
    expect(systemRole.status).toBe(400);
  });

  it('sends event: error mid-stream and 529 for non-stream', async () => {
    fake.program({ kind: 'midstream-error', afterChunks: 4 }, { kind: 'midstream-error', afterChunks: 1 });
    const evs = events(await (await post(fake, msg({ stream: true }))).text());
    expect(evs).toHaveLength(5);
    expect(evs[4]!.data.error.type).toBe('overloaded_error');
    const res = await post(fake, msg());
    expect(res.status).toBe(529);
    expect(((await res.json()) as any).error.type).toBe('overloaded_error');
  });

  it('serves models and count_tokens without consuming the queue', async () => {
    fake.program({ kind: 'status', status: 500 });
    const models = await fetch(fake.url + '/v1/models', { headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' } });
    expect(((await models.json()) as any).data[0].type).toBe('model');
    expect(fake.pending).toBe(1);
  });
});
