/** Keys created through the admin API work on the data plane at once; revocation bites at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, startAdminTestHub, type AdminTestHub } from './admin-harness.js';
import { buildFixture, type Fixture } from './admin-fixture.js';

let hub: AdminTestHub;
let fx: Fixture;

beforeAll(async () => {
  hub = await startAdminTestHub();
  fx = await buildFixture(hub);
});
afterAll(async () => {
  await hub?.close();
});

async function chat(key: string, model = 'chat-economy'): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${hub.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 }),
  });
  const body = (await res.json()) as { error?: { code?: string } };
  return { status: res.status, ...(body.error?.code !== undefined ? { code: body.error.code } : {}) };
}

describe('virtual keys on the data plane', () => {
  it('create → works; revoke → 401 on the very next request', async () => {
    const api = adminClient(hub.url, fx.tokens.own);
    const created = await api('POST', '/keys', { appId: 'acme-app', name: 'live' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^zs-[0-9A-Za-z]{40}$/);
    expect(await chat(created.body.key)).toEqual({ status: 200 });
    expect((await api('POST', `/keys/${created.body.id}/revoke`)).status).toBe(200);
    expect(await chat(created.body.key)).toEqual({ status: 401, code: 'invalid_api_key' });
  });

  it('rotate without grace: the old key stops at once, the new one works', async () => {
    const api = adminClient(hub.url, fx.tokens.own);
    const created = await api('POST', '/keys', { appId: 'acme-app', name: 'rot' });
    const rotated = await api('POST', `/keys/${created.body.id}/rotate`);
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ rotatedFrom: created.body.id, name: 'rot', appId: 'acme-app', status: 'active' });
    expect(rotated.body.id).not.toBe(created.body.id);
    expect(await chat(created.body.key)).toMatchObject({ status: 401 });
    expect(await chat(rotated.body.key)).toEqual({ status: 200 });
  });

  it('rotate with a grace period: both keys work until it ends; the old key then carries that expiry', async () => {
    const api = adminClient(hub.url, fx.tokens.own);
    const created = await api('POST', '/keys', { appId: 'acme-app', name: 'grace', limits: { rpm: 30 } });
    const rotated = await api('POST', `/keys/${created.body.id}/rotate`, { gracePeriodSeconds: 600 });
    expect(await chat(created.body.key)).toEqual({ status: 200 });
    expect(await chat(rotated.body.key)).toEqual({ status: 200 });
    const old = await api('GET', `/keys/${created.body.id}`);
    expect(old.body.status).toBe('active');
    expect(old.body.expiresAt).toBeGreaterThan(Date.now());
    expect(old.body.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(rotated.body.limits).toEqual({ rpm: 30 });
  });

  it('allowed models and tenant suspension apply on the next request', async () => {
    const api = adminClient(hub.url, fx.tokens.own);
    const created = await api('POST', '/keys', { appId: 'acme-app', name: 'models' });
    expect((await api('PATCH', `/keys/${created.body.id}`, { allowedModels: ['chat-premium'] })).status).toBe(200);
    expect(await chat(created.body.key, 'chat-economy')).toMatchObject({ status: 403, code: 'model_not_allowed' });
    expect((await api('PATCH', `/keys/${created.body.id}`, { allowedModels: null })).status).toBe(200);
    expect(await chat(created.body.key, 'chat-economy')).toEqual({ status: 200 });
    const platform = adminClient(hub.url, fx.tokens.platform);
    expect((await platform('PATCH', '/tenants/acme', { status: 'suspended' })).status).toBe(200);
    expect(await chat(created.body.key)).toMatchObject({ status: 401 });
    expect((await platform('PATCH', '/tenants/acme', { status: 'active' })).status).toBe(200);
    expect(await chat(created.body.key)).toEqual({ status: 200 });
  });

  it('an expiry in the past is refused; an expired key is listed as expired', async () => {
    const api = adminClient(hub.url, fx.tokens.own);
    const past = await api('POST', '/keys', { appId: 'acme-app', name: 'old', expiresAt: Date.now() - 1000 });
    expect(past.status).toBe(400);
    expect(past.body.error.param).toBe('expiresAt');
    const soon = await api('POST', '/keys', { appId: 'acme-app', name: 'soon', expiresAt: Date.now() + 150 });
    expect(await chat(soon.body.key)).toEqual({ status: 200 });
    await new Promise((r) => setTimeout(r, 200));
    expect(await chat(soon.body.key)).toMatchObject({ status: 401 });
    expect((await api('GET', `/keys?status=expired`)).body.data.map((k: { id: string }) => k.id)).toContain(soon.body.id);
  });
});
