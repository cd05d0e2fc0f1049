/**
 * The request path keeps per-deployment upstream targets (URL, headers, credential) between
 * requests; a provider changed through the admin API must be used by the very next request.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { adminJson, adminLogin, eventually, startTestHub, type TestHub } from './harness.js';

const NEW_SECRET = 'sk-rotated-secret-0123456789abcdef';

let fake: FakeUpstream;
let hub: TestHub;

beforeAll(async () => {
  fake = await startOpenAiFake({ apiKey: NEW_SECRET });
  hub = await startTestHub({
    yaml: fakeHubYaml({
      providers: [{ id: 'up', kind: 'openai', baseUrl: fake.url, apiKeyEnv: 'UP_KEY' }],
      deployments: [{ id: 'd1', provider: 'up', model: 'gpt-4o-mini', tier: 'standard', price: { input: 1, output: 2 } }],
    }),
    env: { UP_KEY: 'sk-old-secret-that-the-upstream-refuses', ZHONGSHU_MASTER_KEY: 'm'.repeat(40) },
  });
});
afterAll(async () => {
  await hub?.close();
  await fake?.close();
});

describe('a provider changed on a running hub', () => {
  it('is called with the new credential from the next request on', async () => {
    const client = new OpenAI({ apiKey: hub.key, baseURL: `${hub.url}/v1`, maxRetries: 0 });
    const ask = (): Promise<unknown> => client.chat.completions.create({ model: 'd1', messages: [{ role: 'user', content: 'hi' }] });
    // Twice: the second request runs on the kept target.
    await expect(ask()).rejects.toMatchObject({ status: 502 });
    await expect(ask()).rejects.toMatchObject({ status: 502 });

    const token = await adminLogin(hub);
    await adminJson(hub, token, 'PATCH', '/providers/up', { apiKey: NEW_SECRET });
    await eventually(async () => {
      await expect(ask()).resolves.toBeTruthy();
    }, 5_000);
    for (let i = 0; i < 3; i++) await ask();
  }, 30_000);
});
