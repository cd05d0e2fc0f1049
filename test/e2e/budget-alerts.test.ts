/**
 * Soft alert thresholds: crossing 50 % / 80 % / 100 % of a budget POSTs one alert per threshold
 * to the operator's webhook (through the egress client), and a hard budget then refuses.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { adminJson, adminLogin, adminRequest, eventually, startTestHub, type TestHub } from './harness.js';

interface Alert { type: string; thresholdPercent: number; budgetId: string; spentMicros: number; limitMicros: number }

let fake: FakeUpstream;
let hub: TestHub;
let webhook: Server;
const alerts: Alert[] = [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(text));
  });
}

beforeAll(async () => {
  webhook = createServer(async (req, res) => {
    alerts.push(JSON.parse(await readBody(req)) as Alert);
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  fake = await startOpenAiFake();
  fake.setDefault({ kind: 'ok', text: 'ok', promptTokens: 1, completionTokens: 100 });
  hub = await startTestHub({
    yaml: fakeHubYaml({
      providers: [{ id: 'up', kind: 'openai-compatible', baseUrl: fake.url }],
      deployments: [{ id: 'metered', provider: 'up', model: 'm', tier: 'standard', price: { input: 0, output: 10 } }],
    }),
    env: { ZHONGSHU_ALERT_WEBHOOK: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts` },
  });
});
afterAll(async () => {
  await hub?.close();
  await fake?.close();
  await new Promise((r) => webhook?.close(r));
});

describe('budget alerts', () => {
  it('posts each threshold once to the webhook, then refuses past the hard limit', async () => {
    const token = await adminLogin(hub);
    const key = await adminJson<{ id: string; key: string }>(hub, token, 'POST', '/keys', { appId: 'default', name: 'alerts' });
    // 10 requests of 1,000 micro-USD each fit exactly.
    const created = await adminRequest(hub, token, 'POST', '/budgets', { scope: `key:${key.id}`, period: 'month', limitMicros: 10_000, currency: 'USD', mode: 'hard' });
    expect(created.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${hub.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
        body: JSON.stringify({ model: 'metered', max_tokens: 100, messages: [{ role: 'user', content: `q${i}` }] }),
      });
      statuses.push(res.status);
      await res.text();
    }
    expect(statuses).toEqual([...Array(10).fill(200), 402, 402]);
    await eventually(() => expect(alerts.map((a) => a.thresholdPercent).sort((a, b) => a - b)).toEqual([50, 80, 100]));
    expect(alerts.every((a) => a.type === 'budget.threshold' && a.limitMicros === 10_000)).toBe(true);

    const status = await adminJson<{
      budgets: { scope: string; spentMicros: number; reservedMicros: number }[];
      alerts: { thresholdPercent: number }[];
    }>(hub, token, 'GET', '/budgets/status');
    expect(status.budgets.find((b) => b.scope === `key:${key.id}`)).toMatchObject({ spentMicros: 10_000, reservedMicros: 0 });
    expect(status.alerts.map((a) => a.thresholdPercent).sort((a, b) => a - b)).toEqual([50, 80, 100]);
  });
});
