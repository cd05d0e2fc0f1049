/** Happy and error paths of the resources: CRUD, filters, pagination, conflicts, references, catalog reload. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemAdminCaller } from '../../src/governance/admin/index.js';
import { adminClient, DEMO_KEY, startAdminTestHub, type AdminTestHub } from './admin-harness.js';
import { buildFixture, type Fixture } from './admin-fixture.js';

let hub: AdminTestHub;
let fx: Fixture;
let api: ReturnType<typeof adminClient>;

beforeAll(async () => {
  hub = await startAdminTestHub();
  fx = await buildFixture(hub);
  api = adminClient(hub.url, fx.tokens.platform);
});
afterAll(async () => {
  await hub?.close();
});

describe('admin resources', () => {
  it('paginates with limit and nextCursor and filters lists', async () => {
    for (let i = 0; i < 5; i++) await api('POST', '/tenants', { id: `page-${i}`, name: `Page ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page: any = await api('GET', `/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((t: { id: string }) => t.id));
      cursor = page.body.nextCursor;
      if (cursor === null) break;
    }
    const all = (await api('GET', '/tenants?limit=200')).body;
    expect(seen).toEqual(all.data.map((t: { id: string }) => t.id));
    expect(all.total).toBe(seen.length);
    expect((await api('GET', '/tenants?q=page-')).body.data).toHaveLength(5);
    expect((await api('GET', '/tenants?limit=0')).status).toBe(400);
    expect((await api('GET', '/tenants?cursor=%%%')).status).toBe(400);
    expect((await api('GET', '/tenants?bogus=1')).body.error.message).toContain('bogus');
    expect((await api('GET', '/apps?tenantId=globex')).body.data.map((a: { id: string }) => a.id)).toEqual(['globex-app']);
  });

  it('creates tenants and apps with defaults and limits; conflicts answer 409', async () => {
    const app = await api('POST', '/apps', {
      id: 'crm', tenantId: 'acme', name: 'CRM',
      defaults: { bizLevel: 'economy', costPreference: 'low', allowedModels: ['chat-economy'], capabilities: ['json'] }, limits: { rpm: 60, tpm: 10_000 },
    });
    expect(app.status).toBe(201);
    expect(app.body).toMatchObject({ id: 'crm', tenantId: 'acme', defaults: { bizLevel: 'economy' }, limits: { rpm: 60, tpm: 10_000 } });
    expect((await api('GET', '/rate-limits/app:crm')).body).toMatchObject({ rpm: 60, tpm: 10_000, tenantId: 'acme' });
    expect((await api('PATCH', '/apps/crm', { limits: null })).body.limits).toBeUndefined();
    expect((await api('GET', '/rate-limits/app:crm')).status).toBe(404);
    expect((await api('POST', '/apps', { id: 'crm', tenantId: 'acme', name: 'again' })).status).toBe(409);
    expect((await api('POST', '/tenants', { id: 'acme', name: 'again' })).status).toBe(409);
    expect((await api('POST', '/apps', { tenantId: 'acme', name: 'x', defaults: { bizLevel: 'gold' } })).body.error.param).toBe('defaults.bizLevel');
    expect((await api('DELETE', '/tenants/acme')).status).toBe(409);
    expect((await api('DELETE', '/apps/acme-app')).status).toBe(409);
    expect((await api('DELETE', '/apps/crm')).status).toBe(204);
    expect((await api('GET', '/apps/crm')).status).toBe(404);
  });

  it('keeps references sound: providers, deployments and aliases', async () => {
    const kind = await api('POST', '/providers', { id: 'px', kind: 'no-such-vendor' });
    expect(kind.status).toBe(400);
    expect(kind.body.error.param).toBe('kind');
    expect((await api('POST', '/deployments', { id: 'dx', providerId: 'nope', model: 'm', tier: 'economy', contextWindow: 1000 })).body.error.param).toBe('providerId');
    expect((await api('POST', '/aliases', { name: 'ax', members: [{ deploymentId: 'nope', weight: 1 }] })).body.error.param).toBe('members[0].deploymentId');
    expect((await api('POST', '/aliases', { name: 'd1', members: [{ deploymentId: 'd1', weight: 1 }] })).status).toBe(409);
    expect((await api('DELETE', '/providers/p1')).status).toBe(409);
    expect((await api('DELETE', '/deployments/d1')).status).toBe(409);
    const dep = await api('POST', '/deployments', {
      id: 'priced', providerId: 'p1', model: 'gpt', tier: 'premium', contextWindow: 128000,
      price: { currency: 'USD', inputPerMTok: 2_500_000, outputPerMTok: 10_000_000 }, limits: { rpm: 10 },
    });
    expect(dep.status).toBe(201);
    expect(dep.body).toMatchObject({ weight: 1, status: 'enabled', capabilities: [] });
    expect((await api('POST', '/deployments', { id: 'bad', providerId: 'p1', model: 'gpt', tier: 'premium', contextWindow: 1, price: { currency: 'USD', inputPerMTok: 1.5, outputPerMTok: 1 } })).body.error.param).toBe('price.inputPerMTok');
    const patched = await api('PATCH', '/deployments/priced', { status: 'draining', price: null });
    expect(patched.body.status).toBe('draining');
    expect(patched.body.price).toBeUndefined();
    expect((await api('DELETE', '/deployments/priced')).status).toBe(204);
  });

  it('an alias created through the API (with a canary member) is routable on the data plane at once', async () => {
    const created = await api('POST', '/aliases', {
      name: 'gray-chat', description: 'gray release',
      members: [{ deploymentId: 'sim-economy', weight: 0.9 }, { deploymentId: 'sim-standard', weight: 0.1, canary: true }],
    });
    expect(created.status).toBe(201);
    expect(created.body.members[1]).toEqual({ deploymentId: 'sim-standard', weight: 0.1, canary: true });
    const res = await fetch(`${hub.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gray-chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 }),
    });
    expect(res.status).toBe(200);
    expect((await api('DELETE', '/aliases/gray-chat')).status).toBe(204);
    const gone = await fetch(`${hub.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gray-chat', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(gone.status).toBe(404);
  });

  it('validates budgets and rate limits and exposes them for enforcement', async () => {
    const b = await api('POST', '/budgets', { id: 'acme-month', scope: 'tenant:acme', period: 'month', limitMicros: 1_000_000_000, currency: 'CNY', mode: 'degrade', alertThresholds: [50, 90], timeZone: 'Asia/Shanghai' });
    expect(b.status).toBe(201);
    expect(b.body.tenantId).toBe('acme');
    expect((await api('POST', '/budgets', { scope: 'tenant:acme', period: 'month', limitMicros: 1, currency: 'CNY', mode: 'hard', timeZone: 'Mars/Base' })).body.error.param).toBe('timeZone');
    expect((await api('POST', '/budgets', { scope: 'deployment:d1', period: 'month', limitMicros: 1, currency: 'CNY', mode: 'hard' })).status).toBe(400);
    expect((await api('POST', '/budgets', { scope: 'tenant:nope', period: 'month', limitMicros: 1, currency: 'CNY', mode: 'hard' })).status).toBe(404);
    expect((await api('POST', '/budgets', { scope: 'weird', period: 'month', limitMicros: 1, currency: 'CNY', mode: 'hard' })).body.error.param).toBe('scope');
    expect((await api('PATCH', '/budgets/acme-month', { limitMicros: 2_000_000_000 })).body.limitMicros).toBe(2_000_000_000);
    expect((await api('PATCH', '/budgets/acme-month', { scope: 'tenant:globex' })).status).toBe(400);
    expect((await api('PUT', '/rate-limits/deployment:d1', { rpm: 500 })).status).toBe(200);
    expect((await api('PUT', '/rate-limits/end_user%3Aacme%2Fbob', { rpm: 5 })).status).toBe(400);
    const defs = await hub.services.limits.budgetDefinitions();
    expect(defs.find((d) => d.id === 'acme-month')).toEqual({ id: 'acme-month', scope: 'tenant:acme', period: 'month', limitMicros: 2_000_000_000, currency: 'CNY', mode: 'degrade', alertThresholds: [50, 90], timeZone: 'Asia/Shanghai' });
    const rules = await hub.services.limits.rateLimitRules();
    expect(rules).toContainEqual({ scope: 'deployment:d1', rpm: 500 });
    expect(rules).toContainEqual({ scope: 'app:acme-app', rpm: 100 });
    expect((await api('GET', '/budgets?kind=tenant')).body.data.map((x: { id: string }) => x.id)).toEqual(['acme-month']);
  });

  it('the CLI and YAML apply use the same services with an audited system caller', async () => {
    const issued = await hub.services.keys.create(systemAdminCaller('cli'), { appId: 'acme-app', name: 'from-cli' });
    const events = (await api('GET', `/audit?targetId=${issued.id}`)).body.data;
    expect(events[0]).toMatchObject({ action: 'key.create', actorType: 'system', actorName: 'cli', tenantId: 'acme' });
  });

  it('unknown routes and malformed JSON answer in the OpenAI error shape', async () => {
    const r = await api('GET', '/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    const bad = await fetch(`${hub.url}/admin/api/v1/tenants`, { method: 'POST', headers: { authorization: `Bearer ${fx.tokens.platform}`, 'content-type': 'application/json' }, body: '{"id":' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    expect((await api('POST', '/tenants')).status).toBe(400);
    expect(r.headers.get('x-request-id')).toMatch(/^req_/);
  });
});
