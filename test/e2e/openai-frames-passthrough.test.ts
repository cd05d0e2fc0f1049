/**
 * OpenAI SDK → hub → OpenAI-format upstream: plain middle chunks are forwarded as the upstream
 * wrote them (`openai-frames`), the first, finish and usage chunks are the hub's. The client
 * assembles the same text and the ledger bills the same usage as on the parse path (the
 * Anthropic ingress to the same upstream), also when the client leaves mid-stream.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/core/domain.js';
import { textTokens } from '../../src/lib/token-count.js';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { eventually, startTestHub, type TestHub } from './harness.js';

let oa: FakeUpstream;
let hub: TestHub;
let openai: OpenAI;
let anthropic: Anthropic;

const SECRET = 'sk-openai-fake-secret-frames-1';
// Words the fake streams one per chunk, with content that looks like the classifier's patterns.
const TEXT = 'He said "finish_reason":null and "usage":{"x":1} — naïve 中文 😀 \\ back\\"slash "delta":{"content":" end';

beforeAll(async () => {
  oa = await startOpenAiFake({ apiKey: SECRET });
  hub = await startTestHub({
    yaml: fakeHubYaml({
      providers: [{ id: 'oa', kind: 'openai', baseUrl: oa.url, apiKeyEnv: 'TEST_OA_KEY' }],
      deployments: [{ id: 'gpt', provider: 'oa', model: 'gpt-4o', tier: 'premium', price: { input: 2.5, output: 10 } }],
    }),
    env: { TEST_OA_KEY: SECRET },
  });
  openai = new OpenAI({ apiKey: hub.key, baseURL: `${hub.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: hub.key, baseURL: hub.url, maxRetries: 0 });
});
afterAll(async () => {
  await hub?.close();
  await oa?.close();
});
beforeEach(() => oa.reset());

async function newRows(before: number, count: number): Promise<UsageEvent[]> {
  let rows: UsageEvent[] = [];
  await eventually(async () => {
    rows = (await hub.usage()).slice(before);
    expect(rows).toHaveLength(count);
  });
  return rows;
}

async function openAiText(includeUsage: boolean): Promise<{ text: string; usage: OpenAI.CompletionUsage | undefined | null }> {
  const stream = await openai.chat.completions.create({
    model: 'gpt',
    messages: [{ role: 'user', content: 'x' }],
    stream: true,
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  let text = '';
  let usage: OpenAI.CompletionUsage | undefined | null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  return { text, usage };
}

async function anthropicText(): Promise<string> {
  const final = await anthropic.messages.stream({ model: 'gpt', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
  const block = final.content[0];
  return block?.type === 'text' ? block.text : '';
}

/** The `data:` payloads of an SSE text. */
function dataOf(sse: string): string[] {
  return sse.split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => f.slice(6));
}

function post(body: object, signal?: AbortSignal): Promise<Response> {
  return fetch(`${hub.url}/v1/chat/completions`, {
    method: 'POST',
    ...(signal ? { signal } : {}),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.key}` },
    body: JSON.stringify(body),
  });
}

describe('OpenAI-format upstream frames to an OpenAI client', () => {
  it('forwards middle chunks verbatim; first, finish and usage chunks are the hub’s', async () => {
    oa.program({ kind: 'ok', text: TEXT, promptTokens: 12, completionTokens: 30 });
    const res = await post({ model: 'gpt', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] });
    const frames = dataOf(await res.text());
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f) as { system_fingerprint: string | null; usage?: unknown; choices: { delta: { content?: string }; finish_reason: string | null }[] });
    // The hub's own chunks say `system_fingerprint: null`; the fake's say `fp_fake`.
    expect(chunks[0]?.system_fingerprint).toBeNull();
    const middle = chunks.slice(1, -2);
    expect(middle.length).toBeGreaterThan(5);
    for (const c of middle) expect(c).toMatchObject({ system_fingerprint: 'fp_fake', usage: null, choices: [{ finish_reason: null }] });
    expect(chunks.at(-2)).toMatchObject({ system_fingerprint: null, choices: [{ delta: {}, finish_reason: 'stop' }] });
    expect(chunks.at(-1)).toMatchObject({ system_fingerprint: null, choices: [], usage: { prompt_tokens: 12, completion_tokens: 30 } });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(TEXT);
  });

  it('the SDK assembles the same text and the ledger row matches the parse path (provider usage)', async () => {
    const before = (await hub.usage()).length;
    oa.program({ kind: 'ok', text: TEXT, promptTokens: 12, completionTokens: 30 });
    const fast = await openAiText(true);
    oa.program({ kind: 'ok', text: TEXT, promptTokens: 12, completionTokens: 30 });
    const parsed = await anthropicText();
    expect(fast.text).toBe(TEXT);
    expect(parsed).toBe(TEXT);
    expect(fast.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 });
    const [a, b] = await newRows(before, 2);
    const billed = (r: UsageEvent | undefined) => r && { status: r.status, usageSource: r.usageSource, inputTokens: r.inputTokens, outputTokens: r.outputTokens, costMicros: r.costMicros };
    expect(billed(a)).toEqual({ status: 'ok', usageSource: 'provider', inputTokens: 12, outputTokens: 30, costMicros: 330 });
    expect(billed(a)).toEqual(billed(b));
  });

  it('estimates a usage-less stream from the frames, like the parse path', async () => {
    const before = (await hub.usage()).length;
    oa.program({ kind: 'ok', text: TEXT, usage: 'none' });
    const fast = await openAiText(true);
    oa.program({ kind: 'ok', text: TEXT, usage: 'none' });
    expect(await anthropicText()).toBe(TEXT);
    expect(fast.text).toBe(TEXT);
    const [a, b] = await newRows(before, 2);
    expect(a).toMatchObject({ status: 'ok', usageSource: 'estimated', outputTokens: textTokens(TEXT) });
    expect(fast.usage).toMatchObject({ completion_tokens: textTokens(TEXT) });
    expect(a?.outputTokens).toBe(b?.outputTokens);
    expect(a?.costMicros).toBeGreaterThan(0);
  });

  it('bills a client abort mid-stream from the frames that reached the client', async () => {
    const before = (await hub.usage()).length;
    const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa';
    oa.program({ kind: 'ok', text: words, chunkDelayMs: 250 });
    const controller = new AbortController();
    const res = await post({ model: 'gpt', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] }, controller.signal);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let sse = '';
    // The first chunk (role) and three words.
    while (dataOf(sse).length < 4 || !sse.endsWith('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      sse += decoder.decode(value, { stream: true });
    }
    controller.abort();
    const chunks = dataOf(sse).map((f) => JSON.parse(f) as { system_fingerprint: string | null; choices: { delta: { content?: string } }[] });
    const received = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(chunks.slice(1).every((c) => c.system_fingerprint === 'fp_fake')).toBe(true);
    expect(received).toBe('alpha beta gamma ');
    const [row] = await newRows(before, 1);
    expect(row).toMatchObject({ status: 'client_aborted', errorCode: 'client_closed_request', usageSource: 'estimated', outputTokens: textTokens(received) });
    expect(row?.outputTokens).toBeGreaterThan(0);
  });
});
