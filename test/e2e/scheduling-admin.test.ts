/**
 * Scheduling admin API over real HTTP (issue 4 §3, §5, §7): decision traces by request id,
 * scoped to the caller's tenant; live deployment health; operator overrides that change routing
 * at once and are audited; an automatic gray-release rollback audited with actor `system`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { ADMIN_PASSWORD, startTestHub, type TestHub } from './harness.js';

const vkey = (name: string): string => `zs-${name.padEnd(40, '0')}`;
const KEY_ACME = vkey('SchedAcme');
const KEY_GLOBEX = vkey('SchedGlobex');
const USER_PASSWORD = 'scheduling-user-password-1';

let fakeA: FakeUpstream;
let fakeB: FakeUpstream;
let fakeCanary: FakeUpstream;
let hub: TestHub;
const tokens: Record<'platform' | 'acme' | 'globex', string> = { platform: '', acme: '', globex: '' };

async function admin(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${hub.url}/admin/api/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function login(username: string, password: string): Promise<string> {
  const r = await admin('POST', '/auth/login', undefined, { username, password });
  expect(r.status).toBe(200);
  return r.body.token as string;
}

async function chat(model: string, apiKey = KEY_ACME, endUser?: string): Promise<{ status: number; requestId: string; route: string }> {
  const res = await fetch(`${hub.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...(endUser ? { 'x-end-user': endUser } : {}) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
  });
  await res.text();
  return { status: res.status, requestId: res.headers.get('x-request-id') ?? '', route: res.headers.get('x-zhongshu-route') ?? '' };
}

beforeAll(async () => {
  [fakeA, fakeB, fakeCanary] = await Promise.all([startOpenAiFake(), startOpenAiFake(), startOpenAiFake()]);
  const tenantKeys = [
    'tenants:', '  - id: acme', '    name: ACME', '  - id: globex', '    name: Globex',
    'apps:', '  - id: acme-app', '    tenant: acme', '    name: acme', '  - id: globex-app', '    tenant: globex', '    name: globex',
    'keys:',
    '  - id: k-acme', '    name: acme', '    tenant: acme', '    app: acme-app', '    secret: env:KEY_ACME',
    '  - id: k-globex', '    name: globex', '    tenant: globex', '    app: globex-app', '    secret: env:KEY_GLOBEX',
  ];
  const aliases = [
    'aliases:',
    '  - name: pool', '    members:', '      - deployment: dep-a', '      - deployment: dep-b',
    '  - name: gray', '    members:', '      - deployment: dep-b', '        weight: 1', '      - deployment: dep-canary', '        weight: 1', '        canary: true',
  ];
  hub = await startTestHub({
    yaml: fakeHubYaml({
      providers: [
        { id: 'pa', kind: 'openai-compatible', baseUrl: fakeA.url },
        { id: 'pb', kind: 'openai-compatible', baseUrl: fakeB.url },
        { id: 'pc', kind: 'openai-compatible', baseUrl: fakeCanary.url },
      ],
      deployments: [
        { id: 'dep-a', provider: 'pa', model: 'model-a', price: { input: 1, output: 1 } },
        { id: 'dep-b', provider: 'pb', model: 'model-b', price: { input: 1, output: 1 } },
        { id: 'dep-canary', provider: 'pc', model: 'model-c', price: { input: 1, output: 1 } },
      ],
      extra: [...aliases, ...tenantKeys].join('\n'),
    }),
    env: { KEY_ACME, KEY_GLOBEX },
  });
  tokens.platform = await login('admin', ADMIN_PASSWORD);
  for (const tenant of ['acme', 'globex'] as const) {
    const created = await admin('POST', '/users', tokens.platform, { username: `${tenant}-admin`, password: USER_PASSWORD, role: 'tenant_admin', tenantId: tenant });
    expect(created.status).toBe(201);
    tokens[tenant] = await login(`${tenant}-admin`, USER_PASSWORD);
  }
});
afterAll(async () => {
  await hub?.close();
  await Promise.all([fakeA?.close(), fakeB?.close(), fakeCanary?.close()]);
});
beforeEach(() => {
  fakeA.reset();
  fakeB.reset();
  fakeCanary.reset();
});

describe('decision traces', () => {
  it('returns the full trace to the platform admin and the own tenant, and 404 to any other tenant', async () => {
    const { status, requestId, route } = await chat('pool');
    expect(status).toBe(200);
    const own = await admin('GET', `/traces/${requestId}`, tokens.acme);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ requestId, tenantId: 'acme', requestedModel: 'pool', reason: 'score', candidates: 2, attempt: 1 });
    expect(route).toContain(`deployment=${own.body.servedDeploymentId}`);
    expect(own.body.plan).toContain(own.body.servedDeploymentId);
    expect(own.body.trace.scores.map((s: { id: string }) => s.id).sort()).toEqual(['dep-a', 'dep-b']);
    expect((await admin('GET', `/traces/${requestId}`, tokens.platform)).body).toEqual(own.body);

    const other = await admin('GET', `/traces/${requestId}`, tokens.globex);
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain('acme');
    expect((await admin('GET', '/traces/req_does_not_exist', tokens.platform)).status).toBe(404);
    expect((await admin('GET', `/traces/${requestId}`, undefined)).status).toBe(401);
  });

  it('records every attempt of a request that fell back', async () => {
    fakeA.setDefault({ kind: 'status', status: 500 });
    fakeB.setDefault({ kind: 'status', status: 500 });
    fakeA.program({ kind: 'status', status: 500 }, { kind: 'ok' });
    fakeB.program({ kind: 'status', status: 500 }, { kind: 'ok' });
    const { status, requestId } = await chat('pool');
    expect(status).toBe(200);
    const t = (await admin('GET', `/traces/${requestId}`, tokens.platform)).body;
    expect(t.attempts.length).toBeGreaterThanOrEqual(2);
    expect(t.attempts[0]).toMatchObject({ attempt: 1, outcome: 'error', errorCode: 'upstream_error' });
    expect(t.attempts.at(-1)).toMatchObject({ outcome: 'ok', deploymentId: t.servedDeploymentId });
  });
});

describe('deployment health and operator overrides', () => {
  it('lists every configured deployment with its state, breaker and EWMA figures, for platform-wide callers only', async () => {
    for (let i = 0; i < 4; i++) expect((await chat('pool')).status).toBe(200);
    const r = await admin('GET', '/deployments/health', tokens.platform);
    expect(r.status).toBe(200);
    const byId = Object.fromEntries((r.body.data as { deploymentId: string }[]).map((h) => [h.deploymentId, h])) as Record<string, any>;
    expect(Object.keys(byId)).toEqual(expect.arrayContaining(['dep-a', 'dep-b', 'dep-canary']));
    for (const h of [byId['dep-a'], byId['dep-b']]) {
      expect(h).toMatchObject({ breaker: 'closed', configuredStatus: 'enabled', stalled: false });
      expect(['healthy', 'degraded', 'unknown']).toContain(h.state);
      expect(typeof h.errorRate).toBe('number');
    }
    expect(byId['dep-a'].latencyMs ?? byId['dep-b'].latencyMs).toBeTypeOf('number');
    expect((await admin('GET', '/deployments/health', tokens.acme)).status).toBe(403);
    expect((await admin('GET', '/deployments/health', undefined)).status).toBe(401);
  });

  it('disable, drain and force-open take a deployment out of routing at once; reset brings it back; each is audited', async () => {
    const disabled = await admin('POST', '/deployments/dep-a/health/disable', tokens.platform);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ deploymentId: 'dep-a', override: 'disable', state: 'offline' });
    for (let i = 0; i < 6; i++) {
      const { status, route } = await chat('pool');
      expect(status).toBe(200);
      expect(route).toMatch(/deployment=dep-b;.*filtered=status:1/);
    }
    expect(fakeA.requests).toHaveLength(0);

    expect((await admin('POST', '/deployments/dep-a/health/drain', tokens.platform)).body).toMatchObject({ override: 'drain', state: 'degraded' });
    expect((await chat('pool')).route).toContain('deployment=dep-b;');
    const forced = await admin('POST', '/deployments/dep-a/health/force-open', tokens.platform);
    expect(forced.body).toMatchObject({ override: 'force-open', breaker: 'open', state: 'offline' });
    expect((await chat('pool')).route).toMatch(/deployment=dep-b;.*filtered=breaker:1/);
    expect(fakeA.requests).toHaveLength(0);

    const reset = await admin('POST', '/deployments/dep-a/health/reset', tokens.platform);
    expect(reset.status).toBe(200);
    expect(reset.body.override).toBeUndefined();
    expect(reset.body.breaker).toBe('closed');
    expect((await chat('dep-a')).route).toContain('deployment=dep-a;');
    expect(fakeA.requests).toHaveLength(1);

    const audit = await admin('GET', '/audit?targetType=deployment&targetId=dep-a&limit=10', tokens.platform);
    const actions = (audit.body.data as { action: string; actorName: string; before: any; after: any }[]).map((e) => e.action);
    expect(actions.slice(0, 4)).toEqual(['deployment.health.reset', 'deployment.health.force-open', 'deployment.health.drain', 'deployment.health.disable']);
    const disableEvent = (audit.body.data as any[]).find((e) => e.action === 'deployment.health.disable');
    expect(disableEvent).toMatchObject({ actorType: 'user', actorName: 'admin', before: { override: null }, after: { override: 'disable', state: 'offline' } });
  });

  it('refuses overrides from anyone but a platform admin, and answers unknown deployments and actions clearly', async () => {
    expect((await admin('POST', '/deployments/dep-a/health/disable', tokens.acme)).status).toBe(403);
    expect((await admin('POST', '/deployments/dep-a/health/disable', undefined)).status).toBe(401);
    expect((await admin('POST', '/deployments/nope/health/disable', tokens.platform)).status).toBe(404);
    const bad = await admin('POST', '/deployments/dep-a/health/explode', tokens.platform);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/action/);
    expect((await admin('GET', '/deployments/health', tokens.platform)).body.data.find((h: any) => h.deploymentId === 'dep-a').override).toBeUndefined();
  });
});

describe('gray release', () => {
  it('rolls back a failing canary automatically and writes the audit event with actor system', async () => {
    fakeCanary.setDefault({ kind: 'status', status: 500 });
    let rolledBack: any;
    for (let i = 0; i < 300 && rolledBack === undefined; i++) {
      // Different end users fall into different cohorts; canary users fall back to stable.
      expect((await chat('gray', KEY_ACME, `user-${i}`)).status).toBe(200);
      if (i % 10 === 9) {
        const audit = await admin('GET', '/audit?action=alias.canary.rollback', tokens.platform);
        rolledBack = audit.body.data[0];
      }
    }
    expect(rolledBack).toMatchObject({ actorType: 'system', actorId: 'system', targetType: 'alias', targetId: 'gray', after: { deploymentId: 'dep-canary', reason: 'error_rate' } });
    expect(rolledBack.after.evidence.canaryFailures).toBeGreaterThanOrEqual(3);
    // After the rollback nobody is routed to the canary.
    const before = fakeCanary.requests.length;
    for (let i = 0; i < 20; i++) expect((await chat('gray', KEY_ACME, `later-${i}`)).route).toContain('deployment=dep-b;');
    expect(fakeCanary.requests.length).toBe(before);
  });
});
