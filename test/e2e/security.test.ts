/**
 * Security checks of the data plane: key shape and lookup, allow-lists checked against the
 * RESOLVED deployment, nothing from the client decides where credentials go, unpriced models
 * are flagged.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { startTestHub, type TestHub } from './harness.js';

const PROVIDER_SECRET = 'sk-provider-secret-abcdef123456';
const KEY_CHEAP = 'zs-CheapOnly0000000000000000000000000000001';
const KEY_PRICEY = 'zs-PriceyOnly000000000000000000000000000001';

let fake: FakeUpstream;
let hub: TestHub;

function clientFor(key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 });
}

beforeAll(async () => {
  fake = await startOpenAiFake({ apiKey: PROVIDER_SECRET });
  hub = await startTestHub({
    yaml: fakeHubYaml({
      providers: [
        { id: 'up', kind: 'openai', baseUrl: fake.url, apiKeyEnv: 'UP_KEY' },
        // Misconfigured on purpose: cloud metadata is refused even with private networks allowed.
        { id: 'meta', kind: 'openai-compatible', baseUrl: 'http://169.254.169.254/v1' },
      ],
      deployments: [
        { id: 'cheap', provider: 'up', model: 'cheap-model', tier: 'economy', price: { input: 0.1, output: 0.2 } },
        { id: 'pricey', provider: 'up', model: 'pricey-model', tier: 'premium', price: { input: 10, output: 30 } },
        { id: 'free-ride', provider: 'up', model: 'unpriced-model', tier: 'standard' },
        { id: 'metadata', provider: 'meta', model: 'm', tier: 'standard', price: { input: 1, output: 1 } },
      ],
      aliases: [{ name: 'mixed', members: [{ deployment: 'cheap' }, { deployment: 'pricey' }] }],
      extra: [
        'tenants:',
        '  - id: acme',
        '    name: ACME',
        'apps:',
        '  - id: support',
        '    tenant: acme',
        '    name: Support bot',
        '    defaults:',
        '      allowed_models: [cheap, free-ride]',
        'keys:',
        '  - id: k-cheap',
        '    name: cheap only (app default)',
        '    tenant: acme',
        '    app: support',
        '    secret: env:KEY_CHEAP',
        '  - id: k-pricey',
        '    name: pricey only',
        '    tenant: acme',
        '    app: support',
        '    secret: env:KEY_PRICEY',
        '    allowed_models: [pricey-model]',
      ].join('\n'),
    }),
    env: { UP_KEY: PROVIDER_SECRET, KEY_CHEAP, KEY_PRICEY },
  });
});
afterAll(async () => {
  await hub?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

describe('virtual keys', () => {
  it.each([
    ['no header', undefined],
    ['empty bearer', 'Bearer '],
    ['sql-looking', "Bearer ' OR 1=1 --"],
    ['too short', 'Bearer zs-abc'],
    ['wrong prefix', `Bearer sk-${'a'.repeat(40)}`],
    ['non-ascii', `Bearer zs-${'é'.repeat(40)}`],
    ['well-formed but unknown', `Bearer zs-${'Z'.repeat(40)}`],
  ])('rejects %s with 401 in OpenAI format', async (_name, auth) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth !== undefined) headers.authorization = auth;
    const res = await fetch(`${hub.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'cheap', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; type: string } };
    expect(['missing_api_key', 'invalid_api_key']).toContain(body.error.code);
    expect(body.error.type).toBe('authentication_error');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('allowed models are checked against the resolved deployment', () => {
  it('an alias cannot smuggle a forbidden deployment: "mixed" is served only by the allowed member', async () => {
    const client = clientFor(KEY_CHEAP);
    for (let i = 0; i < 6; i++) {
      const { response } = await client.chat.completions.create({ model: 'mixed', messages: [{ role: 'user', content: `q${i}` }] }).withResponse();
      expect(response.headers.get('x-zhongshu-route')).toMatch(/deployment=cheap;/);
    }
    expect(fake.requests.every((r) => (r.body as { model: string }).model === 'cheap-model')).toBe(true);
  });

  it('forbids a deployment by id and by upstream model name (403 model_not_allowed)', async () => {
    const client = clientFor(KEY_CHEAP);
    for (const model of ['pricey', 'pricey-model']) {
      await expect(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }))
        .rejects.toMatchObject({ status: 403, code: 'model_not_allowed' });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('a key-level list overrides the app default', async () => {
    const client = clientFor(KEY_PRICEY);
    const { response } = await client.chat.completions.create({ model: 'mixed', messages: [{ role: 'user', content: 'x' }] }).withResponse();
    expect(response.headers.get('x-zhongshu-route')).toMatch(/deployment=pricey;/);
    await expect(client.chat.completions.create({ model: 'cheap', messages: [{ role: 'user', content: 'x' }] }))
      .rejects.toMatchObject({ status: 403 });
  });

  it('GET /v1/models lists only what the key may use', async () => {
    const ids = (await clientFor(KEY_CHEAP).models.list()).data.map((m) => m.id).sort();
    expect(ids).toContain('cheap');
    expect(ids).toContain('mixed');
    expect(ids).not.toContain('pricey');
    expect(ids).not.toContain('chat-premium');
  });
});

describe('nothing the client sends decides where credentials go', () => {
  it('ignores client host/url/credential headers and body fields', async () => {
    const res = await fetch(`${hub.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${KEY_CHEAP}`,
        'x-forwarded-host': 'evil.example',
        'x-portkey-custom-host': 'http://169.254.169.254/latest',
        'x-upstream-url': 'http://169.254.169.254/',
        'openai-organization': 'org-evil',
        'api-key': 'sk-client-supplied',
      },
      body: JSON.stringify({ model: 'cheap', messages: [{ role: 'user', content: 'x' }], base_url: 'http://169.254.169.254/', api_base: 'http://10.0.0.1/' }),
    });
    expect(res.status).toBe(200);
    const sent = fake.requests.at(-1);
    expect(sent?.headers.authorization).toBe(`Bearer ${PROVIDER_SECRET}`);
    const headerText = JSON.stringify(sent?.headers);
    expect(headerText).not.toContain(KEY_CHEAP);
    expect(headerText).not.toContain('evil');
    expect(headerText).not.toContain('sk-client-supplied');
    expect(headerText).not.toContain('169.254');
  });
});

describe('egress address policy', () => {
  it('refuses a deployment pointing at cloud metadata, with no connection made', async () => {
    const res = await fetch(`${hub.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.key}` },
      body: JSON.stringify({ model: 'metadata', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('egress_denied');
    const rows = (await hub.usage()).filter((r) => r.deploymentId === 'metadata');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.errorCode === 'egress_denied' && r.costMicros === 0)).toBe(true);
  });
});

describe('unpriced deployments', () => {
  it('serve, but every row is flagged unpriced and counted in metrics', async () => {
    await clientFor(KEY_CHEAP).chat.completions.create({ model: 'free-ride', messages: [{ role: 'user', content: 'x' }] });
    const rows = await hub.usage();
    const row = rows.filter((r) => r.deploymentId === 'free-ride').at(-1);
    expect(row).toMatchObject({ unpriced: true, costMicros: 0, status: 'ok' });
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/zhongshu_unpriced_attempts_total\{deployment="free-ride"\} [1-9]/);
  });
});
