import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import type { ChatRequest, ChatStreamEvent, JsonObject } from '../../src/core/chat.js';
import type { Egress } from '../../src/core/egress.js';
import { HubError } from '../../src/core/errors.js';
import type { UpstreamCall } from '../../src/core/provider.js';
import { createSimulatorAdapter } from '../../src/providers/simulator/index.js';

/** An egress that fails the test if the simulator ever uses the network. */
const noNetwork: Egress = {
  request: () => {
    throw new Error('the simulator must not use egress');
  },
  close: async () => {},
};

function call(options: Record<string, string | number | boolean> = {}, signal = new AbortController().signal): UpstreamCall {
  return {
    target: {
      deploymentId: 'sim@local',
      baseUrl: 'simulator://local',
      model: 'sim-standard',
      headers: {},
      options: { latencyMs: 0, tokensPerSecond: 0, ...options },
      allowPrivateNetwork: false,
    },
    egress: noNetwork,
    signal,
    requestId: 'req-1',
  };
}

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'chat-standard',
  stream: false,
  messages: [{ role: 'user', content }],
  ...extra,
});

async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const out: ChatStreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: {
      city: { type: 'string', minLength: 2 },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer', minimum: 1, maximum: 7 },
      options: { type: 'object', properties: { hourly: { type: 'boolean' } }, required: ['hourly'] },
      tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
      note: { type: 'string' },
    },
    required: ['city', 'unit', 'days', 'options', 'tags'],
  } satisfies JsonObject,
};

describe('simulator adapter', () => {
  it('is deterministic: the same request gives the same answer, across adapter instances', async () => {
    const a = await createSimulatorAdapter().chat(ask('Tell me about the hub.'), call());
    const b = await createSimulatorAdapter().chat(ask('Tell me about the hub.'), call());
    const c = await createSimulatorAdapter().chat(ask('Something else entirely?'), call());
    expect(b.content).toBe(a.content);
    expect(b.usage).toEqual(a.usage);
    expect(a.content?.length).toBeGreaterThan(50);
    expect(c.content).not.toBe(a.content);
  });

  it('reports realistic provider usage counted with a tokenizer', async () => {
    const resp = await createSimulatorAdapter().chat(ask('Hello there'), call({ outputTokens: 40 }));
    expect(resp.usage?.source).toBe('provider');
    // 3 reply-priming tokens + 4 per message + the content tokens.
    expect(resp.usage?.inputTokens).toBe(3 + 4 + countTokens('Hello there'));
    expect(resp.usage?.outputTokens).toBe(countTokens(resp.content ?? ''));
    expect(resp.usage?.outputTokens).toBeGreaterThanOrEqual(40);
    expect(resp.usage?.outputTokens).toBeLessThan(80);
    expect(resp.finishReason).toBe('stop');
  });

  it('counts a pathological single-"word" prompt without quadratic tokenizer cost', async () => {
    // 200 000 × 'x' is one BPE pre-token: counted whole it takes over a minute (test timeout: 30 s).
    const resp = await createSimulatorAdapter().chat(ask('x'.repeat(200_000)), call());
    expect(resp.usage?.inputTokens).toBe(3 + 4 + 25_000);
  });

  it('answers Chinese in Chinese', async () => {
    const resp = await createSimulatorAdapter().chat(ask('请介绍一下中枢。'), call());
    expect(resp.content).toMatch(/[\u4e00-\u9fff]/);
  });

  it('caps the answer at maxTokens with finish "length"', async () => {
    const resp = await createSimulatorAdapter().chat(ask('Long answer please', { maxTokens: 5 }), call({ outputTokens: 200 }));
    expect(resp.finishReason).toBe('length');
    expect(resp.usage?.outputTokens).toBeLessThanOrEqual(5);
    expect(resp.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('cuts at a stop sequence', async () => {
    const full = await createSimulatorAdapter().chat(ask('Hi'), call());
    const word = (full.content ?? '').split(' ')[3] as string;
    const cut = await createSimulatorAdapter().chat(ask('Hi', { stop: [word] }), call());
    expect(cut.content).not.toContain(word);
    expect(cut.finishReason).toBe('stop');
  });

  it('calls a tool with arguments that satisfy the schema, then answers with the tool result', async () => {
    const sim = createSimulatorAdapter();
    const first = await sim.chat(ask("What's the weather in Beijing?", { tools: [weatherTool, { name: 'send_email' }] }), call());
    expect(first.finishReason).toBe('tool_calls');
    expect(first.content).toBeNull();
    expect(first.toolCalls).toHaveLength(1);
    const tc = first.toolCalls[0]!;
    expect(tc.name).toBe('get_weather');
    expect(tc.id).toMatch(/^call_/);
    const args = JSON.parse(tc.arguments) as Record<string, unknown>;
    expect(Object.keys(args).sort()).toEqual(['city', 'days', 'options', 'tags', 'unit']);
    expect(typeof args.city).toBe('string');
    expect((args.city as string).length).toBeGreaterThanOrEqual(2);
    expect(['celsius', 'fahrenheit']).toContain(args.unit);
    expect(Number.isInteger(args.days)).toBe(true);
    expect(args.days).toBeGreaterThanOrEqual(1);
    expect(args.days).toBeLessThanOrEqual(7);
    expect(typeof (args.options as { hourly: unknown }).hourly).toBe('boolean');
    expect((args.tags as unknown[]).length).toBeGreaterThanOrEqual(2);

    const followUp = await sim.chat(
      {
        model: 'chat-standard',
        stream: false,
        tools: [weatherTool],
        messages: [
          { role: 'user', content: "What's the weather in Beijing?" },
          { role: 'assistant', content: null, toolCalls: [tc] },
          { role: 'tool', toolCallId: tc.id, content: 'Sunny, 25 degrees' },
        ],
      },
      call(),
    );
    expect(followUp.finishReason).toBe('stop');
    expect(followUp.toolCalls).toEqual([]);
    expect(followUp.content).toContain('get_weather');
    expect(followUp.content).toContain('Sunny, 25 degrees');
  });

  it('honours tool_choice none, required and a named tool', async () => {
    const sim = createSimulatorAdapter();
    const tools = [weatherTool, { name: 'lookup_order', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } }];
    expect((await sim.chat(ask('weather?', { tools, toolChoice: 'none' }), call())).toolCalls).toEqual([]);
    const named = await sim.chat(ask('weather?', { tools, toolChoice: { name: 'lookup_order' } }), call());
    expect(named.toolCalls[0]?.name).toBe('lookup_order');
    expect(JSON.parse(named.toolCalls[0]!.arguments)).toHaveProperty('id');
    const afterTool: ChatRequest = {
      model: 'm',
      stream: false,
      tools,
      toolChoice: 'required',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'lookup_order', arguments: '{"id":"1"}' }] },
        { role: 'tool', toolCallId: 'c1', content: 'shipped' },
      ],
    };
    expect((await sim.chat(afterTool, call())).finishReason).toBe('tool_calls');
  });

  it('answers JSON for json_object and schema-valid JSON for json_schema', async () => {
    const sim = createSimulatorAdapter();
    const obj = await sim.chat(ask('Give JSON', { responseFormat: { type: 'json_object' } }), call());
    expect(typeof JSON.parse(obj.content ?? '')).toBe('object');
    const schema = {
      type: 'object',
      properties: { title: { type: 'string' }, score: { type: 'number', minimum: 0, maximum: 1 }, items: { type: 'array', items: { $ref: '#/$defs/item' } } },
      required: ['title', 'score', 'items'],
      $defs: { item: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
    };
    const js = await sim.chat(ask('Give JSON', { responseFormat: { type: 'json_schema', name: 'out', schema } }), call());
    const parsed = JSON.parse(js.content ?? '') as { title: string; score: number; items: Array<{ name: string }> };
    expect(typeof parsed.title).toBe('string');
    expect(parsed.score).toBeGreaterThanOrEqual(0);
    expect(parsed.score).toBeLessThanOrEqual(1);
    expect(typeof parsed.items[0]?.name).toBe('string');
  });

  it('produces reasoning only when the option is on, counted inside output tokens', async () => {
    const sim = createSimulatorAdapter();
    const plain = await sim.chat(ask('Why?'), call());
    expect(plain.reasoning).toBeUndefined();
    expect(plain.usage?.reasoningTokens).toBe(0);
    const reasoned = await sim.chat(ask('Why?'), call({ reasoning: true }));
    expect(reasoned.reasoning?.length).toBeGreaterThan(0);
    expect(reasoned.usage?.reasoningTokens).toBe(countTokens(reasoned.reasoning ?? ''));
    expect(reasoned.usage?.outputTokens).toBe(countTokens(reasoned.reasoning ?? '') + countTokens(reasoned.content ?? ''));
  });
});

describe('simulator streaming', () => {
  it('emits message-start, deltas, finish, then usage — the same answer as non-stream', async () => {
    const sim = createSimulatorAdapter();
    const req = ask('Stream me something.', { stream: true });
    const events = await collect(sim.streamChat(req, call({ tokensPerSecond: 2000, reasoning: true })));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('message-start');
    expect(types.at(-2)).toBe('finish');
    expect(types.at(-1)).toBe('usage');
    const middle = types.slice(1, -2);
    expect(middle.length).toBeGreaterThan(10);
    expect(middle.lastIndexOf('reasoning-delta')).toBeLessThan(middle.indexOf('text-delta'));
    const text = events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
    const reasoning = events.map((e) => (e.type === 'reasoning-delta' ? e.text : '')).join('');
    const whole = await sim.chat({ ...req, stream: false }, call({ reasoning: true }));
    expect(text).toBe(whole.content);
    expect(reasoning).toBe(whole.reasoning);
    const usageEvent = events.at(-1);
    expect(usageEvent?.type === 'usage' && usageEvent.usage).toEqual(whole.usage);
  });

  it('streams a tool call as tool-call-start plus 2–3 argument deltas', async () => {
    const events = await collect(createSimulatorAdapter().streamChat(ask('weather in Shanghai', { stream: true, tools: [weatherTool] }), call()));
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['message-start', 'tool-call-start', 'tool-call-delta', 'finish', 'usage']),
    );
    const deltas = events.filter((e) => e.type === 'tool-call-delta');
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(deltas.length).toBeLessThanOrEqual(3);
    const args = deltas.map((e) => (e.type === 'tool-call-delta' ? e.argumentsDelta : '')).join('');
    expect(Object.keys(JSON.parse(args))).toContain('city');
    const finish = events.find((e) => e.type === 'finish');
    expect(finish?.type === 'finish' && finish.finishReason).toBe('tool_calls');
  });

  it('waits latencyMs before the first event', async () => {
    const started = Date.now();
    const iterator = createSimulatorAdapter().streamChat(ask('hi', { stream: true }), call({ latencyMs: 120 }))[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.type).toBe('message-start');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    await iterator.return?.();
  });

  it('stops promptly when the signal aborts mid-stream', async () => {
    const controller = new AbortController();
    // 60 tokens at 5 tokens/s would take ~12 s.
    const stream = createSimulatorAdapter().streamChat(ask('long story', { stream: true }), call({ tokensPerSecond: 5 }, controller.signal));
    const seen: ChatStreamEvent[] = [];
    const started = Date.now();
    const run = (async () => {
      for await (const e of stream) {
        seen.push(e);
        if (e.type === 'text-delta') controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ code: 'client_closed_request' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(seen.filter((e) => e.type === 'text-delta').length).toBeLessThanOrEqual(2);
    expect(seen.some((e) => e.type === 'finish')).toBe(false);
  });

  it('propagates a HubError abort reason (e.g. a per-try timeout)', async () => {
    const controller = new AbortController();
    const pending = createSimulatorAdapter().chat(ask('x'), call({ latencyMs: 5000 }, controller.signal));
    controller.abort(new HubError('upstream_timeout', 'per-try timeout'));
    await expect(pending).rejects.toMatchObject({ code: 'upstream_timeout' });
  });
});

describe('simulator failures, embeddings, probe', () => {
  it('fails every k-th call deterministically with a retryable upstream_error', async () => {
    const sim = createSimulatorAdapter();
    const results: string[] = [];
    for (let i = 0; i < 6; i++) {
      results.push(await sim.chat(ask('x'), call({ failEvery: 3 })).then(() => 'ok', (e: HubError) => e.code));
    }
    expect(results).toEqual(['ok', 'ok', 'upstream_error', 'ok', 'ok', 'upstream_error']);
    const err = await sim.chat(ask('x'), call({ failEvery: 1 })).catch((e: HubError) => e);
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).retryable).toBe(true);
  });

  it('can fail half-way through a stream', async () => {
    const seen: string[] = [];
    const run = (async () => {
      for await (const e of createSimulatorAdapter().streamChat(ask('x', { stream: true }), call({ failEvery: 1, failMidStream: true }))) seen.push(e.type);
    })();
    await expect(run).rejects.toMatchObject({ code: 'upstream_error' });
    expect(seen[0]).toBe('message-start');
    expect(seen).toContain('text-delta');
    expect(seen).not.toContain('finish');
  });

  it('embeds into deterministic unit vectors of the requested size', async () => {
    const sim = createSimulatorAdapter();
    const resp = await sim.embed!({ model: 'emb', input: ['hello world', 'hello world!', '季度营收报告'] }, call());
    expect(resp.data).toHaveLength(3);
    expect(resp.data[0]).toHaveLength(256);
    for (const v of resp.data) expect(Math.hypot(...v)).toBeCloseTo(1, 9);
    const again = await createSimulatorAdapter().embed!({ model: 'emb', input: ['hello world'] }, call());
    expect(again.data[0]).toEqual(resp.data[0]);
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
    expect(dot(resp.data[0]!, resp.data[1]!)).toBeGreaterThan(dot(resp.data[0]!, resp.data[2]!));
    expect(resp.usage?.inputTokens).toBe(countTokens('hello world') + countTokens('hello world!') + countTokens('季度营收报告'));
    const small = await sim.embed!({ model: 'emb', input: ['x'], dimensions: 32 }, call());
    expect(small.data[0]).toHaveLength(32);
  });

  it('probes successfully and declares its kind and capabilities', async () => {
    const sim = createSimulatorAdapter();
    await expect(sim.probe!(call())).resolves.toBeUndefined();
    expect(sim.kind).toBe('simulator');
    expect(sim.defaultBaseUrl).toBe('simulator://local');
    expect(sim.capabilities).toEqual({ streamUsage: true, tools: true, vision: true, embeddings: true, jsonMode: true });
  });
});
