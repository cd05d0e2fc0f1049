/**
 * Degrade budgets: as spend approaches the limit the scheduler moves the request to a cheaper
 * tier instead of rejecting it (issue 3 §5), and past the limit requests are still served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { adminJson, adminLogin, startTestHub, type TestHub } from './harness.js';

let fake: FakeUpstream;
let hub: TestHub;

beforeAll(async () => {
  fake = await startOpenAiFake();
  fake.setDefault({ kind: 'ok', text: 'ok', promptTokens: 1, completionTokens: 100 });
  hub = await startTestHub({
    yaml: fakeHubYaml({
      providers: [{ id: 'up', kind: 'openai-compatible', baseUrl: fake.url }],
      deployments: [
        { id: 'std', provider: 'up', model: 'std-model', tier: 'standard', price: { input: 0, output: 10 } },
        { id: 'eco', provider: 'up', model: 'eco-model', tier: 'economy', price: { input: 0, output: 1 } },
      ],
      aliases: [{ name: 'tiered', members: [{ deployment: 'std' }, { deployment: 'eco' }] }],
    }),
  });
});
afterAll(async () => {
  await hub?.close();
  await fake?.close();
});

async function ask(key: string): Promise<{ status: number; deployment: string | undefined }> {
  const res = await fetch(`${hub.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-biz-level': 'normal', 'x-prefer-cost': 'high' },
    body: JSON.stringify({ model: 'tiered', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] }),
  });
  await res.text();
  return { status: res.status, deployment: /deployment=([^;]+);/.exec(res.headers.get('x-zhongshu-route') ?? '')?.[1] };
}

describe('degrade budgets', () => {
  it('route to the cheaper tier near the limit and never reject', async () => {
    const token = await adminLogin(hub);
    const key = await adminJson<{ id: string; key: string }>(hub, token, 'POST', '/keys', { appId: 'default', name: 'degrade' });
    // 10 standard answers (1,000 micro-USD each) would fill it.
    await adminJson(hub, token, 'POST', '/budgets', { scope: `key:${key.id}`, period: 'total', limitMicros: 10_000, currency: 'USD', mode: 'degrade' });

    const first = await ask(key.key);
    expect(first).toEqual({ status: 200, deployment: 'std' });
    const served: (string | undefined)[] = [];
    for (let i = 0; i < 14; i++) {
      const r = await ask(key.key);
      expect(r.status).toBe(200);
      served.push(r.deployment);
    }
    // Once pressure passes the step-down point, the economy tier comes first and stays first.
    const firstEco = served.indexOf('eco');
    expect(firstEco).toBeGreaterThan(0);
    expect(served.slice(firstEco).every((d) => d === 'eco')).toBe(true);
  });
});
