/**
 * Retries and fallbacks over real HTTP: one ledger row per attempt, each priced at its own
 * deployment; Retry-After honoured; no fallback for client errors.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { startTestHub, type TestHub } from './harness.js';

let fakeA: FakeUpstream;
let fakeB: FakeUpstream;
let hub: TestHub;
let client: OpenAI;

beforeAll(async () => {
  fakeA = await startOpenAiFake();
  fakeB = await startOpenAiFake();
  hub = await startTestHub({
    yaml: fakeHubYaml({
      providers: [
        { id: 'pa', kind: 'openai-compatible', baseUrl: fakeA.url },
        { id: 'pb', kind: 'openai-compatible', baseUrl: fakeB.url },
      ],
      deployments: [
        { id: 'dep-a', provider: 'pa', model: 'model-a', tier: 'standard', price: { input: 1, output: 2 } },
        { id: 'dep-b', provider: 'pb', model: 'model-b', tier: 'standard', price: { input: 3, output: 4 } },
        { id: 'solo', provider: 'pa', model: 'model-solo', tier: 'standard', price: { input: 1, output: 1 } },
      ],
      aliases: [{ name: 'pool', members: [{ deployment: 'dep-a' }, { deployment: 'dep-b' }] }],
    }),
  });
  client = new OpenAI({ apiKey: hub.key, baseURL: `${hub.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await hub?.close();
  await fakeA?.close();
  await fakeB?.close();
});
beforeEach(() => {
  fakeA.reset();
  fakeB.reset();
});

describe('fallback', () => {
  it('falls back to the other deployment on a 500 and writes one row per attempt', async () => {
    const before = (await hub.usage()).length;
    fakeA.program({ kind: 'status', status: 500 });
    fakeB.program({ kind: 'status', status: 500 });
    fakeA.setDefault({ kind: 'ok', promptTokens: 10, completionTokens: 10 });
    fakeB.setDefault({ kind: 'ok', promptTokens: 10, completionTokens: 10 });
    const { data, response } = await client.chat.completions
      .create({ model: 'pool', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(response.headers.get('x-zhongshu-route')).toMatch(/attempt=2/);
    const rows = (await hub.usage()).slice(before);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ attempt: 1, status: 'upstream_error', errorCode: 'upstream_error', costMicros: 0 });
    expect(rows[1]).toMatchObject({ attempt: 2, status: 'ok' });
    expect(rows[0]?.deploymentId).not.toBe(rows[1]?.deploymentId);
    const price = rows[1]?.deploymentId === 'dep-a' ? 1 * 10 + 2 * 10 : 3 * 10 + 4 * 10;
    expect(rows[1]?.costMicros).toBe(price);
  });

  it('retries a single deployment after its Retry-After', async () => {
    fakeA.program({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'ok', text: 'after wait' });
    const started = Date.now();
    const res = await client.chat.completions.create({ model: 'solo', messages: [{ role: 'user', content: 'x' }] });
    expect(res.choices[0]?.message.content).toBe('after wait');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('falls back when a deployment resets the connection before answering', async () => {
    fakeA.program({ kind: 'reset-before-headers' });
    fakeB.program({ kind: 'reset-before-headers' });
    const res = await client.chat.completions.create({ model: 'pool', messages: [{ role: 'user', content: 'x' }] });
    expect(res.choices[0]?.message.content).toBeTruthy();
  });

  it('falls back on a stream whose upstream fails before the first byte', async () => {
    fakeA.program({ kind: 'status', status: 503 });
    fakeB.program({ kind: 'status', status: 503 });
    const stream = await client.chat.completions.create({ model: 'pool', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
  });

  it('gives up after the attempt limit with the last upstream error', async () => {
    fakeA.setDefault({ kind: 'status', status: 500 });
    fakeB.setDefault({ kind: 'status', status: 500 });
    await expect(client.chat.completions.create({ model: 'pool', messages: [{ role: 'user', content: 'x' }] }))
      .rejects.toMatchObject({ status: 502, code: 'upstream_error' });
    const calls = fakeA.requests.length + fakeB.requests.length;
    expect(calls).toBeLessThanOrEqual(3);
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});
