/**
 * Response cache over real HTTP (issue 4 §6): a hit after a miss reaches the upstream once and
 * writes no ledger row; tenants never share entries; entries expire; streams are never cached;
 * Cache-Control: no-cache bypasses; hits and misses show in the header, the decision trace and
 * Prometheus metrics.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { ADMIN_PASSWORD, startTestHub, type TestHub } from './harness.js';

/** Well-formed virtual keys: `zs-` + 40 letters or digits. */
const vkey = (name: string): string => `zs-${name.padEnd(40, '0')}`;
const KEY_ACME = vkey('CacheAcme');
const KEY_ACME_SHORT = vkey('CacheAcmeShort');
const KEY_GLOBEX = vkey('CacheGlobex');

let fake: FakeUpstream;
let hub: TestHub;
let adminToken: string;

function app(id: string, tenant: string, ttl: number): string[] {
  return [`  - id: ${id}`, `    tenant: ${tenant}`, `    name: ${id}`, '    defaults:', '      cache:', `        ttl_seconds: ${ttl}`];
}
function key(id: string, tenant: string, appId: string, env: string): string[] {
  return [`  - id: ${id}`, `    name: ${id}`, `    tenant: ${tenant}`, `    app: ${appId}`, `    secret: env:${env}`];
}

beforeAll(async () => {
  fake = await startOpenAiFake();
  hub = await startTestHub({
    yaml: fakeHubYaml({
      providers: [{ id: 'up', kind: 'openai-compatible', baseUrl: fake.url }],
      deployments: [{ id: 'dep-a', provider: 'up', model: 'model-a', price: { input: 1, output: 2 } }],
      aliases: [{ name: 'pool', members: [{ deployment: 'dep-a' }] }],
      extra: [
        'tenants:', '  - id: acme', '    name: ACME', '  - id: globex', '    name: Globex',
        'apps:', ...app('acme-app', 'acme', 60), ...app('acme-short', 'acme', 1), ...app('globex-app', 'globex', 60),
        'keys:', ...key('k-acme', 'acme', 'acme-app', 'KEY_ACME'), ...key('k-acme-short', 'acme', 'acme-short', 'KEY_ACME_SHORT'), ...key('k-globex', 'globex', 'globex-app', 'KEY_GLOBEX'),
      ].join('\n'),
    }),
    env: { KEY_ACME, KEY_ACME_SHORT, KEY_GLOBEX },
  });
  const login = await fetch(`${hub.url}/admin/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  adminToken = ((await login.json()) as { token: string }).token;
});
afterAll(async () => {
  await hub?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

interface Answer {
  status: number;
  cache: string | null;
  route: string | null;
  requestId: string;
  body: any;
  text: string;
}

async function chat(apiKey: string, content: string, opts: { stream?: boolean; headers?: Record<string, string>; extra?: Record<string, unknown> } = {}): Promise<Answer> {
  const res = await fetch(`${hub.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...opts.headers },
    body: JSON.stringify({ model: 'pool', messages: [{ role: 'user', content }], temperature: 0, ...(opts.stream ? { stream: true } : {}), ...opts.extra }),
  });
  const text = await res.text();
  return {
    status: res.status,
    cache: res.headers.get('x-zhongshu-cache'),
    route: res.headers.get('x-zhongshu-route'),
    requestId: res.headers.get('x-request-id') ?? '',
    body: opts.stream || res.status !== 200 ? undefined : JSON.parse(text),
    text,
  };
}

async function metric(name: string, labels: string[]): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('response cache', () => {
  it('answers the second identical request from the cache: one upstream call, no ledger row, hit in header, trace and metrics', async () => {
    const rowsBefore = (await hub.usage()).length;
    const hitsBefore = await metric('zhongshu_response_cache_total', ['tenant="acme"', 'result="hit"']);
    const first = await chat(KEY_ACME, 'what is the capital of France?');
    const second = await chat(KEY_ACME, 'what is the capital of France?', { extra: { user: 'another-end-user' } });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.cache, second.cache]).toEqual(['miss', 'hit']);
    expect(fake.requests).toHaveLength(1);
    expect(second.body.choices[0].message.content).toBe(first.body.choices[0].message.content);
    expect(second.body.usage).toEqual(first.body.usage);
    expect(second.route).toMatch(/^deployment=dep-a; reason=cache; rank=0; attempt=0/);
    expect(second.requestId).not.toBe(first.requestId);

    const rows = (await hub.usage()).slice(rowsBefore);
    expect(rows.map((r) => r.requestId)).toEqual([first.requestId]);
    expect(await metric('zhongshu_response_cache_total', ['tenant="acme"', 'result="hit"'])).toBe(hitsBefore + 1);

    const trace = await fetch(`${hub.url}/admin/api/v1/traces/${second.requestId}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(trace.status).toBe(200);
    expect(await trace.json()).toMatchObject({ reason: 'cache', servedDeploymentId: 'dep-a', attempts: [], trace: { cache: 'hit', sourceRequestId: first.requestId } });
  });

  it('never shares an entry between tenants', async () => {
    const acme = await chat(KEY_ACME, 'tenant isolation question');
    const globex = await chat(KEY_GLOBEX, 'tenant isolation question');
    expect([acme.cache, globex.cache]).toEqual(['miss', 'miss']);
    expect(fake.requests).toHaveLength(2);
    const [acmeAgain, globexAgain] = [await chat(KEY_ACME, 'tenant isolation question'), await chat(KEY_GLOBEX, 'tenant isolation question')];
    expect([acmeAgain.cache, globexAgain.cache]).toEqual(['hit', 'hit']);
    expect(fake.requests).toHaveLength(2);
  });

  it('expires an entry after the app TTL', async () => {
    expect((await chat(KEY_ACME_SHORT, 'short lived')).cache).toBe('miss');
    expect((await chat(KEY_ACME_SHORT, 'short lived')).cache).toBe('hit');
    await new Promise((r) => setTimeout(r, 1_200));
    expect((await chat(KEY_ACME_SHORT, 'short lived')).cache).toBe('miss');
    expect(fake.requests).toHaveLength(2);
  });

  it('never caches streams, nor serves them from the cache', async () => {
    const s1 = await chat(KEY_ACME, 'stream me', { stream: true });
    const s2 = await chat(KEY_ACME, 'stream me', { stream: true });
    expect([s1.status, s2.status]).toEqual([200, 200]);
    expect([s1.cache, s2.cache]).toEqual(['bypass', 'bypass']);
    expect(s2.text).toContain('data: [DONE]');
    expect(fake.requests).toHaveLength(2);
    expect((await chat(KEY_ACME, 'stream me')).cache).toBe('miss');
    expect((await chat(KEY_ACME, 'stream me')).cache).toBe('hit');
    expect(fake.requests).toHaveLength(3);
  });

  it('bypasses the cache for Cache-Control: no-cache and stores the fresh answer', async () => {
    fake.program({ kind: 'ok', text: 'first answer' }, { kind: 'ok', text: 'fresh answer' });
    expect((await chat(KEY_ACME, 'refresh me')).body.choices[0].message.content).toBe('first answer');
    const bypass = await chat(KEY_ACME, 'refresh me', { headers: { 'cache-control': 'no-cache' } });
    expect(bypass.cache).toBe('bypass');
    expect(bypass.body.choices[0].message.content).toBe('fresh answer');
    expect(fake.requests).toHaveLength(2);
    const after = await chat(KEY_ACME, 'refresh me');
    expect(after.cache).toBe('hit');
    expect(after.body.choices[0].message.content).toBe('fresh answer');
    const noStore = await chat(KEY_ACME, 'refresh me', { headers: { 'cache-control': 'no-store' } });
    expect(noStore.cache).toBe('bypass');
    expect(fake.requests).toHaveLength(3);
  });

  it('does not cache for an app without cache settings (no header, every request upstream)', async () => {
    const a = await chat(hub.key, 'uncached app');
    const b = await chat(hub.key, 'uncached app');
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.cache, b.cache]).toEqual([null, null]);
  });

  it('is turned on for an app through the admin API (defaults.cache.ttlSeconds)', async () => {
    const call = async (method: string, path: string, body: unknown): Promise<any> => {
      const res = await fetch(`${hub.url}/admin/api/v1${path}`, {
        method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      return res.json();
    };
    const app = await call('POST', '/apps', { tenantId: 'acme', name: 'api-cached', defaults: { bizLevel: 'normal', cache: { ttlSeconds: 60 } } });
    expect(app.defaults.cache).toEqual({ ttlSeconds: 60 });
    const { key } = await call('POST', '/keys', { appId: app.id, name: 'api-cached' });
    expect((await chat(key, 'configured over the API')).cache).toBe('miss');
    expect((await chat(key, 'configured over the API')).cache).toBe('hit');
    const off = await call('PATCH', `/apps/${app.id}`, { defaults: { bizLevel: 'normal' } });
    expect(off.defaults.cache).toBeUndefined();
    expect((await chat(key, 'configured over the API')).cache).toBeNull();
    expect(fake.requests).toHaveLength(2);
    const bad = await fetch(`${hub.url}/admin/api/v1/apps/${app.id}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ defaults: { cache: { ttlSeconds: 0 } } }),
    });
    expect(bad.status).toBe(400);
  });

  it('does not serve a cached answer for a different request', async () => {
    await chat(KEY_ACME, 'question one');
    const other = await chat(KEY_ACME, 'question one', { extra: { temperature: 0.7 } });
    expect(other.cache).toBe('miss');
    expect(fake.requests).toHaveLength(2);
  });

  it('keeps an upstream failure out of the cache', async () => {
    fake.program({ kind: 'status', status: 400 });
    const failed = await chat(KEY_ACME, 'bad request once');
    expect(failed.status).toBe(400);
    const ok = await chat(KEY_ACME, 'bad request once');
    expect([ok.status, ok.cache]).toEqual([200, 'miss']);
  });
});
