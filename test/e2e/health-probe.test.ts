/**
 * Active health checks: a deployment whose breaker opened recovers through non-billable probes
 * (GET /models), with no client traffic at all, and the probes write no ledger rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { adminJson, adminLogin, eventually, startTestHub, type TestHub } from './harness.js';

let fake: FakeUpstream;
let hub: TestHub;
let token: string;

async function health(id: string): Promise<{ breaker: string; state: string }> {
  const body = await adminJson<{ data: { deploymentId: string; breaker: string; state: string }[] }>(hub, token, 'GET', '/deployments/health');
  const found = body.data.find((h) => h.deploymentId === id);
  if (!found) throw new Error(`no health for ${id}`);
  return found;
}

beforeAll(async () => {
  fake = await startOpenAiFake();
  hub = await startTestHub({
    yaml: fakeHubYaml({
      providers: [{ id: 'up', kind: 'openai-compatible', baseUrl: fake.url }],
      deployments: [{ id: 'flaky', provider: 'up', model: 'm', tier: 'standard', price: { input: 1, output: 1 } }],
    }),
    scheduler: { breaker: { consecutiveFailures: 2, openMs: 300, successesToClose: 1 } },
    gateway: { retry: { maxAttempts: 1, backoffBaseMs: 10, backoffMaxMs: 10, maxRetryAfterMs: 0 } },
    healthProbe: { intervalMs: 100, timeoutMs: 1_000, idleProbeEveryMs: 60_000 },
  });
  token = await adminLogin(hub);
});
afterAll(async () => {
  await hub?.close();
  await fake?.close();
});

describe('active health checks', () => {
  it('closes an open breaker through probes alone once the upstream recovers', async () => {
    fake.setDefault({ kind: 'status', status: 500 });
    for (let i = 0; i < 3; i++) {
      await fetch(`${hub.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.key}` },
        body: JSON.stringify({ model: 'flaky', messages: [{ role: 'user', content: 'x' }] }),
      }).then((r) => r.text());
    }
    await eventually(async () => expect((await health('flaky')).breaker).not.toBe('closed'), 3_000);
    const rowsBefore = (await hub.usage()).length;

    fake.setDefault({ kind: 'ok' });
    await eventually(async () => expect((await health('flaky')).breaker).toBe('closed'), 8_000);
    expect(fake.requests.some((r) => r.method === 'GET' && r.path.endsWith('/models'))).toBe(true);
    expect((await hub.usage()).length).toBe(rowsBefore);
  }, 20_000);
});
