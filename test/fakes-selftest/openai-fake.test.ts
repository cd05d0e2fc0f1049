import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';

const KEY = 'sk-fake-test-key-1234';

function post(fake: FakeUpstream, path: string, body: unknown, key = KEY): Promise<Response> {
  return fetch(fake.origin + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'say hello to the fake world' }],
  ...extra,
});

function dataLines(raw: string): string[] {
  return raw.split('\n\n').filter((b) => b.startsWith('data: ')).map((b) => b.slice(6));
}

describe('OpenAI fake', () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startOpenAiFake({ apiKey: KEY });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('answers non-stream with deterministic text and usage', async () => {
    const res = await post(fake, '/v1/chat/completions', chat());
    expect(res.status).toBe(200);
    const j = (await res.json()) as any;
    expect(j.object).toBe('chat.completion');
    expect(j.choices[0].message.content).toBe('Hello from gpt-4o-mini: say hello to the fake world');
    expect(j.choices[0].finish_reason).toBe('stop');
    expect(j.usage.prompt_tokens).toBeGreaterThan(0);
    expect(j.usage.total_tokens).toBe(j.usage.prompt_tokens + j.usage.completion_tokens);
    expect(fake.meter).toMatchObject({ requests: 1, billedRequests: 1, inputTokens: j.usage.prompt_tokens, outputTokens: j.usage.completion_tokens });
    expect(fake.requests[0]?.path).toBe('/v1/chat/completions');
  });

  it('streams with usage chunk only when include_usage, same id on every chunk', async () => {
    const res = await post(fake, '/chat/completions', chat({ stream: true, stream_options: { include_usage: true } }));
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const raw = await res.text();
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(raw).not.toMatch(/^event:/m);
    const lines = dataLines(raw);
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage.completion_tokens).toBeGreaterThan(0);
    for (const c of chunks.slice(0, -1)) expect(c.usage).toBeNull();
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('Hello from gpt-4o-mini: say hello to the fake world');

    const res2 = await post(fake, '/v1/chat/completions', chat({ stream: true }));
    const chunks2 = dataLines(await res2.text()).slice(0, -1).map((l) => JSON.parse(l));
    for (const c of chunks2) expect('usage' in c).toBe(false);
  });

  it('streams tool calls by index', async () => {
    fake.program({ kind: 'ok', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'f', arguments: '{}' }] });
    const res = await post(fake, '/v1/chat/completions', chat({ stream: true, tools: [{ type: 'function', function: { name: 'get_weather' } }] }));
    const chunks = dataLines(await res.text()).slice(0, -1).map((l) => JSON.parse(l));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(deltas[0]).toEqual({ index: 0, id: expect.stringMatching(/^call_fake_\d+_1$/), type: 'function', function: { name: 'get_weather', arguments: '' } });
    const args0 = deltas.filter((d: any) => d.index === 0).map((d: any) => d.function.arguments).join('');
    expect(JSON.parse(args0)).toEqual({ city: 'Paris' });
    expect(deltas.some((d: any) => d.index === 1 && d.function.name === 'f')).toBe(true);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('answers programmed statuses in FIFO order, then the default', async () => {
    fake.program({ kind: 'status', status: 429, headers: { 'retry-after': '2' } }, { kind: 'status', status: 503, body: '<html>bad gateway</html>' });
    const r1 = await post(fake, '/v1/chat/completions', chat());
    expect(r1.status).toBe(429);
    expect(r1.headers.get('retry-after')).toBe('2');
    expect(((await r1.json()) as any).error.code).toBe('rate_limit_exceeded');
    const r2 = await post(fake, '/v1/chat/completions', chat());
    expect(r2.status).toBe(503);
    expect(r2.headers.get('content-type')).toMatch(/text\/html/);
    expect(await r2.text()).toBe('<html>bad gateway</html>');
    const r3 = await post(fake, '/v1/chat/completions', chat());
    expect(r3.status).toBe(200);
    await r3.text();
    expect(fake.meter.billedRequests).toBe(1);
    expect(fake.meter.requests).toBe(3);
  });

  it('rejects a wrong key with 401 in OpenAI format, masking it', async () => {
    const res = await post(fake, '/v1/chat/completions', chat(), 'sk-wrong-secret-9999');
    expect(res.status).toBe(401);
    const j = (await res.json()) as any;
    expect(j.error.code).toBe('invalid_api_key');
    expect(j.error.message).not.toContain('sk-wrong-secret-9999');
  });

  it('resets before headers without billing', async () => {
    fake.program({ kind: 'reset-before-headers' });
    await expect(post(fake, '/v1/chat/completions', chat())).rejects.toThrow();
    expect(fake.meter.billedRequests).toBe(0);
  });

  it('cuts a stream after k chunks and bills the partial output', async () => {
    fake.program({ kind: 'reset-after-chunks', chunks: 3 });
    const res = await post(fake, '/v1/chat/completions', chat({ stream: true }));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let raw = '';
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          raw += new TextDecoder().decode(value);
        }
      })(),
    ).rejects.toThrow();
    expect(dataLines(raw)).toHaveLength(3);
    expect(fake.meter.billedRequests).toBe(1);
    expect(fake.meter.outputTokens).toBeGreaterThan(0);
    expect(fake.meter.outputTokens).toBeLessThan(12);
  });

  it('sends a mid-stream error frame and a malformed frame', async () => {
    fake.program({ kind: 'midstream-error', afterChunks: 2 }, { kind: 'malformed-json', afterChunks: 1 });
    const raw = await (await post(fake, '/v1/chat/completions', chat({ stream: true }))).text();
    const lines = dataLines(raw);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2]!).error.type).toBe('server_error');
    const raw2 = await (await post(fake, '/v1/chat/completions', chat({ stream: true }))).text();
    const lines2 = dataLines(raw2);
    expect(lines2).toHaveLength(2);
    expect(() => JSON.parse(lines2[1]!)).toThrow();
  });

  it('cuts a non-stream body for malformed-json', async () => {
    fake.program({ kind: 'malformed-json' });
    const res = await post(fake, '/v1/chat/completions', chat());
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('stalls before headers and mid-stream', async () => {
    fake.program({ kind: 'stall-before-headers', ms: 150 }, { kind: 'stall-mid-stream', afterChunks: 2, ms: 150 });
    const t0 = Date.now();
    await (await post(fake, '/v1/chat/completions', chat())).text();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    const t1 = Date.now();
    const raw = await (await post(fake, '/v1/chat/completions', chat({ stream: true }))).text();
    expect(Date.now() - t1).toBeGreaterThanOrEqual(140);
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('serves embeddings with honoured dimensions, and models', async () => {
    const res = await post(fake, '/v1/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 8 });
    const j = (await res.json()) as any;
    expect(j.data).toHaveLength(2);
    expect(j.data[0].embedding).toHaveLength(8);
    expect(j.data[0].embedding).not.toEqual(j.data[1].embedding);
    expect(j.usage.prompt_tokens).toBe(2);
    const again = (await (await post(fake, '/v1/embeddings', { model: 'm', input: 'a', dimensions: 8 })).json()) as any;
    expect(again.data[0].embedding).toEqual(j.data[0].embedding);
    const models = await fetch(fake.url + '/models', { headers: { authorization: `Bearer ${KEY}` } });
    expect(((await models.json()) as any).object).toBe('list');
  });

  it('usage zero reports explicit zeros but meters the truth; usage none omits usage even when asked', async () => {
    fake.program({ kind: 'ok', usage: 'zero' }, { kind: 'ok', usage: 'none' });
    const zero = (await (await post(fake, '/v1/chat/completions', chat())).json()) as any;
    expect(zero.usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    expect(fake.meter.outputTokens).toBeGreaterThan(0);
    const raw = await (await post(fake, '/v1/chat/completions', chat({ stream: true, stream_options: { include_usage: true } }))).text();
    const chunks = dataLines(raw).slice(0, -1).map((l) => JSON.parse(l));
    expect(chunks.every((c) => c.choices.length === 1 && !c.usage)).toBe(true);
  });

  it('answers GET /models with the default status when the default is not ok', async () => {
    fake.setDefault({ kind: 'status', status: 503 });
    const res = await fetch(fake.url + '/models', { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(503);
    expect(fake.meter.billedRequests).toBe(0);
  });

  it('accepts Azure deployment paths with api-key', async () => {
    const res = await fetch(`${fake.origin}/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21`, {
      method: 'POST',
      headers: { 'api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).model).toBe('my-gpt');
    expect(fake.requests[0]?.query['api-version']).toBe('2024-10-21');
  });
});

describe('OpenAI fake flavors', () => {
  it('deepseek: keep-alive comments, blank-line prefix, reasoning_content, cache hit tokens', async () => {
    const fake = await startOpenAiFake({ flavor: 'deepseek' });
    try {
      fake.program({ kind: 'ok', cachedTokens: 3 });
      const nonStream = await post(fake, '/chat/completions', chat({ model: 'deepseek-reasoner' }));
      const text = await nonStream.text();
      expect(text.startsWith('\n\n{')).toBe(true);
      const j = JSON.parse(text);
      expect(j.choices[0].message.reasoning_content).toBeTruthy();
      expect(j.usage.prompt_cache_hit_tokens).toBe(3);
      expect(j.usage.prompt_cache_miss_tokens).toBe(j.usage.prompt_tokens - 3);
      const raw = await (await post(fake, '/v1/chat/completions', chat({ model: 'deepseek-reasoner', stream: true }))).text();
      expect(raw.startsWith(': keep-alive\n\n')).toBe(true);
      const deltas = dataLines(raw).slice(0, -1).map((l) => JSON.parse(l).choices[0].delta);
      const firstContent = deltas.findIndex((d) => typeof d.content === 'string' && d.content !== '');
      const lastReasoning = deltas.map((d) => typeof d.reasoning_content === 'string' && d.reasoning_content !== '').lastIndexOf(true);
      expect(lastReasoning).toBeGreaterThan(0);
      expect(lastReasoning).toBeLessThan(firstContent);
      const bad = await post(fake, '/chat/completions', { model: 'deepseek-reasoner', messages: [{ role: 'assistant', content: 'x', reasoning_content: 'y' }] });
      expect(bad.status).toBe(400);
    } finally {
      await fake.close();
    }
  });

  it('zhipu: request_id, usage on the last chunk without stream_options, sensitive finish', async () => {
    const fake = await startOpenAiFake({ flavor: 'zhipu' });
    try {
      fake.program({ kind: 'ok', finishReason: 'sensitive' });
      const raw = await (await post(fake, '/api/paas/v4/chat/completions', chat({ model: 'glm-4', stream: true }))).text();
      const chunks = dataLines(raw).slice(0, -1).map((l) => JSON.parse(l));
      expect(chunks.every((c) => typeof c.request_id === 'string')).toBe(true);
      const last = chunks.at(-1);
      expect(last.choices[0].finish_reason).toBe('sensitive');
      expect(last.usage.total_tokens).toBeGreaterThan(0);
      const e = await (await post(fake, '/chat/completions', { model: 'glm-4' })).json() as any;
      expect(typeof e.error.code).toBe('string');
    } finally {
      await fake.close();
    }
  });
});
