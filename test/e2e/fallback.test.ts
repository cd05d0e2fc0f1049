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
  it('falls back to the other deployment on a 500, retries the last one, and writes one row per attempt', async () => {
    const before = (await hub.usage()).length;
    // Each upstream fails its first call: attempt 1 (X) fails, attempt 2 falls back to Y and
    // fails, attempt 3 retries Y (nothing else left) and succeeds.
    fakeA.program({ kind: 'status', status: 500 });
    fakeB.program({ kind: 'status', status: 500 });
    fakeA.setDefault({ kind: 'ok', promptTokens: 10, completionTokens: 10 });
    fakeB.setDefault({ kind: 'ok', promptTokens: 10, completionTokens: 10 });
    const { data, response } = await client.chat.completions
      .create({ model: 'pool', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(response.headers.get('x-zhongshu-route')).toMatch(/attempt=3; fallback=1/);
    const rows = (await hub.usage()).slice(before);
    expect(rows.map((r) => [r.attempt, r.status, r.costMicros > 0])).toEqual([
      [1, 'upstream_error', false],
      [2, 'upstream_error', false],
      [3, 'ok', true],
    ]);
    expect(rows[0]?.errorCode).toBe('upstream_error');
    expect(rows[0]?.deploymentId).not.toBe(rows[1]?.deploymentId);
    expect(rows[2]?.deploymentId).toBe(rows[1]?.deploymentId);
    // priced at the deployment that served: dep-a 1/2 USD per 1M, dep-b 3/4 USD per 1M → micros
    const price = rows[2]?.deploymentId === 'dep-a' ? 1 * 10 + 2 * 10 : 3 * 10 + 4 * 10;
    expect(rows[2]?.costMicros).toBe(price);
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

describe('retry budget', () => {
  it('stops retrying a failing deployment once its budget is spent', async () => {
    const budgetHub = await startTestHub({
      yaml: fakeHubYaml({
        providers: [{ id: 'pa', kind: 'openai-compatible', baseUrl: fakeA.url }],
        deployments: [{ id: 'lonely', provider: 'pa', model: 'model-lonely', tier: 'standard', price: { input: 1, output: 1 } }],
      }),
      gateway: { retry: { maxAttempts: 3, backoffBaseMs: 1, backoffMaxMs: 2, maxRetryAfterMs: 0 }, retryBudget: { maxTokens: 4, ratio: 0 } },
    });
    try {
      fakeA.reset();
      fakeA.setDefault({ kind: 'status', status: 500 });
      const c = new OpenAI({ apiKey: budgetHub.key, baseURL: `${budgetHub.url}/v1`, maxRetries: 0 });
      for (let i = 0; i < 6; i++) {
        await expect(c.chat.completions.create({ model: 'lonely', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 502 });
      }
      // 6 first attempts + at most 4 retries (the allowance), instead of 6 × 3 = 18 calls.
      expect(fakeA.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(10);
    } finally {
      await budgetHub.close();
    }
  });
});
