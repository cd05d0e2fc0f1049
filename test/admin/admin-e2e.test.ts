/**
 * The admin API in the real composition root (startHub): a provider credential stored through
 * the API reaches the upstream (decrypted by the catalog loader), and rate limits and budgets
 * defined through the API are enforced on the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiFake } from '../fakes/index.js';
import type { FakeUpstream } from '../fakes/index.js';
import { ADMIN_PASSWORD, startTestHub, type TestHub } from '../e2e/harness.js';
import { adminClient, login, MASTER_KEY } from './admin-harness.js';

const UPSTREAM_SECRET = 'sk-e2e-upstream-secret-0123456789abcd';

let hub: TestHub;
let fake: FakeUpstream;
let api: ReturnType<typeof adminClient>;

async function chat(key: string, model: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${hub.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }], max_tokens: 16 }),
  });
  const body = (await res.json()) as { error?: { code?: string } };
  return { status: res.status, ...(body.error?.code !== undefined ? { code: body.error.code } : {}) };
}

beforeAll(async () => {
  fake = await startOpenAiFake({ apiKey: UPSTREAM_SECRET });
  hub = await startTestHub({ env: { ZHONGSHU_MASTER_KEY: MASTER_KEY, ZHONGSHU_ALLOW_PRIVATE_UPSTREAMS: 'true' } });
  api = adminClient(hub.url, await login(hub.url, 'admin', ADMIN_PASSWORD));
});
afterAll(async () => {
  await hub?.close();
  await fake?.close();
});

describe('admin API in the running hub', () => {
  it('a credential stored through the API is decrypted for the upstream; replacing it applies at once', async () => {
    expect((await api('POST', '/providers', { id: 'fake', kind: 'openai', baseUrl: fake.url, apiKey: UPSTREAM_SECRET, allowPrivateNetwork: true })).status).toBe(201);
    expect((await api('POST', '/deployments', {
      id: 'fake-mini', providerId: 'fake', model: 'gpt-4o-mini', tier: 'economy', contextWindow: 128000,
      price: { currency: 'USD', inputPerMTok: 150_000, outputPerMTok: 600_000 },
    })).status).toBe(201);
    expect((await api('POST', '/aliases', { name: 'fake-chat', members: [{ deploymentId: 'fake-mini', weight: 1 }] })).status).toBe(201);
    const key = await api('POST', '/keys', { appId: 'default', name: 'e2e' });
    expect(key.status).toBe(201);

    expect(await chat(key.body.key, 'fake-chat')).toEqual({ status: 200 });
    expect(fake.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${UPSTREAM_SECRET}`);

    expect((await api('PUT', '/providers/fake/credential', { apiKey: 'sk-wrong-secret-000000000000' })).status).toBe(200);
    expect((await chat(key.body.key, 'fake-chat')).status).toBeGreaterThanOrEqual(400);
    expect((await api('PUT', '/providers/fake/credential', { apiKey: UPSTREAM_SECRET })).status).toBe(200);
    expect(await chat(key.body.key, 'fake-chat')).toEqual({ status: 200 });

    expect((await api('POST', `/keys/${key.body.id}/revoke`)).status).toBe(200);
    expect(await chat(key.body.key, 'fake-chat')).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('a key rate limit set through the API is enforced on the next request', async () => {
    const key = await api('POST', '/keys', { appId: 'default', name: 'limited', limits: { rpm: 1 } });
    expect(await chat(key.body.key, 'chat-economy')).toEqual({ status: 200 });
    expect(await chat(key.body.key, 'chat-economy')).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((await api('PATCH', `/keys/${key.body.id}`, { limits: null })).status).toBe(200);
    expect(await chat(key.body.key, 'chat-economy')).toEqual({ status: 200 });
  });

  it('a hard key budget created through the API rejects a request that does not fit', async () => {
    const key = await api('POST', '/keys', { appId: 'default', name: 'budgeted' });
    const budget = await api('POST', '/budgets', { scope: `key:${key.body.id}`, period: 'month', limitMicros: 1, currency: 'USD', mode: 'hard' });
    expect(budget.status).toBe(201);
    expect(await chat(key.body.key, 'chat-economy')).toMatchObject({ status: 402, code: 'budget_exceeded' });
    expect((await api('DELETE', `/budgets/${budget.body.id}`)).status).toBe(204);
    expect(await chat(key.body.key, 'chat-economy')).toEqual({ status: 200 });
  });
});
