/** Azure OpenAI adapter: deployment URLs, api-version, api-key header. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HubError } from '../../src/core/errors.js';
import type { Egress } from '../../src/core/egress.js';
import type { UpstreamCall } from '../../src/core/provider.js';
import { createEgress } from '../../src/egress/index.js';
import { createAzureOpenAiAdapter } from '../../src/providers/azure-openai/azure-openai-adapter.js';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';

const KEY = 'azure-key-0123456789abcdef';
const adapter = createAzureOpenAiAdapter();
let fake: FakeUpstream;
let egress: Egress;

beforeAll(async () => {
  fake = await startOpenAiFake({ apiKey: KEY });
  egress = createEgress();
});
afterAll(async () => {
  await egress.close();
  await fake.close();
});
beforeEach(() => fake.reset());

function call(options: Record<string, string | number | boolean> = {}, apiKey = KEY): UpstreamCall {
  return {
    target: { deploymentId: 'az', baseUrl: `${fake.origin}/`, model: 'my gpt4o', apiKey, headers: {}, options, allowPrivateNetwork: true },
    egress,
    signal: new AbortController().signal,
    requestId: 'req-az',
  };
}

describe('azure-openai adapter', () => {
  it('calls the deployment URL with api-version and the api-key header, without model in the body', async () => {
    const res = await adapter.chat({ model: 'a', messages: [{ role: 'user', content: 'hi' }], stream: false, maxTokens: 9 }, call());
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/openai/deployments/my%20gpt4o/chat/completions');
    expect(sent.query).toEqual({ 'api-version': '2024-10-21' });
    expect(sent.headers['api-key']).toBe(KEY);
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).not.toHaveProperty('model');
    expect(sent.body).toMatchObject({ max_tokens: 9 });
    expect(res.content).toBe('Hello from my gpt4o: hi');
  });

  it('honours options.apiVersion and maxCompletionTokens; streams with usage', async () => {
    const events = [];
    for await (const ev of adapter.streamChat({ model: 'a', messages: [{ role: 'user', content: 'hi' }], stream: true, maxTokens: 9 }, call({ apiVersion: '2025-01-01-preview', maxCompletionTokens: true }))) events.push(ev);
    const sent = fake.requests[0]!;
    expect(sent.query['api-version']).toBe('2025-01-01-preview');
    expect(sent.body).toMatchObject({ max_completion_tokens: 9, stream_options: { include_usage: true } });
    expect(sent.body).not.toHaveProperty('max_tokens');
    expect(events.at(-1)?.type).toBe('usage');
  });

  it('embeds through the deployment embeddings URL and probes /openai/models', async () => {
    const res = await adapter.embed!({ model: 'a', input: ['x'] }, call());
    expect(fake.requests[0]!.path).toBe('/openai/deployments/my%20gpt4o/embeddings');
    expect(res.data[0]).toHaveLength(1536);
    // The fake checks `api-key` only on deployment paths, so probe a fake that takes any credential.
    const open = await startOpenAiFake();
    try {
      const c = call();
      await adapter.probe!({ ...c, target: { ...c.target, baseUrl: open.origin } });
      expect(open.requests[0]).toMatchObject({ method: 'GET', path: '/openai/models', query: { 'api-version': '2024-10-21' } });
      expect(open.requests[0]!.headers['api-key']).toBe(KEY);
    } finally {
      await open.close();
    }
  });

  it('a wrong api-key → upstream_auth_failed without the key in the message', async () => {
    const err = await adapter.chat({ model: 'a', messages: [{ role: 'user', content: 'hi' }], stream: false }, call({}, 'azure-wrong-key-zyxwvut')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe('upstream_auth_failed');
    expect((err as HubError).message).not.toContain('azure-wrong-key-zyxwvut');
  });

  it('has no default base URL: a deployment without one is a configuration error', async () => {
    const c = call();
    const err = await adapter.chat({ model: 'a', messages: [{ role: 'user', content: 'hi' }], stream: false }, { ...c, target: { ...c.target, baseUrl: '' } }).catch((e: unknown) => e);
    expect((err as HubError).code).toBe('internal_error');
    expect((err as HubError).message).toMatch(/base URL/);
  });
});
