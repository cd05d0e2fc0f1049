/**
 * Invariant 1 over HTTP: a budget is never exceeded. 200 concurrent requests against a budget
 * that affords exactly N worst cases → exactly N are served, the rest get 402 budget_exceeded,
 * and the ledger's spend is ≤ the limit. 20 rounds, on SQLite and on PostgreSQL.
 *
 * Pricing makes the worst case exact: input is free, output costs 10 USD per 1M tokens, the
 * upstream always produces max_tokens (100) tokens → every request costs 1,000 micro-USD.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { testDatabases, type TestDatabase } from '../contract/databases.js';
import { fakeHubYaml } from './fake-hub-yaml.js';
import { adminJson, adminLogin, startTestHub, type TestHub } from './harness.js';

const COST = 1_000;
const CONCURRENCY = 200;
const ROUNDS = 20;

for (const factory of await testDatabases()) {
  describe.skipIf(!factory.available)(`budget proof on ${factory.name}`, () => {
    let fake: FakeUpstream;
    let db: TestDatabase;
    let hub: TestHub;
    let token: string;

    beforeAll(async () => {
      fake = await startOpenAiFake();
      fake.setDefault({ kind: 'ok', text: 'ok', promptTokens: 5, completionTokens: 100 });
      db = await factory.create();
      hub = await startTestHub({
        databaseUrl: db.url,
        yaml: fakeHubYaml({
          providers: [{ id: 'up', kind: 'openai-compatible', baseUrl: fake.url }],
          deployments: [{ id: 'metered', provider: 'up', model: 'm', tier: 'standard', price: { input: 0, output: 10 } }],
        }),
      });
      token = await adminLogin(hub);
    }, 60_000);
    afterAll(async () => {
      await hub?.close();
      await db?.cleanup();
      await fake?.close();
    });

    it(`admits exactly N of ${CONCURRENCY} concurrent requests, ${ROUNDS} rounds`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const n = 1 + ((round * 37) % 60);
        const key = await adminJson<{ id: string; key: string }>(hub, token, 'POST', '/keys', { appId: 'default', name: `proof-${round}` });
        await adminJson(hub, token, 'POST', '/budgets', { scope: `key:${key.id}`, period: 'total', limitMicros: n * COST, currency: 'USD', mode: 'hard' });
        const statuses = await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            const res = await fetch(`${hub.url}/v1/chat/completions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
              body: JSON.stringify({ model: 'metered', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] }),
            });
            const body = (await res.json()) as { error?: { code?: string } };
            return res.status === 200 ? 'ok' : `${res.status}:${body.error?.code}`;
          }),
        );
        const ok = statuses.filter((s) => s === 'ok').length;
        expect({ round, ok }).toEqual({ round, ok: n });
        expect(new Set(statuses.filter((s) => s !== 'ok'))).toEqual(n === CONCURRENCY ? new Set() : new Set(['402:budget_exceeded']));
        const spent = (await hub.usage()).filter((r) => r.keyId === key.id).reduce((sum, r) => sum + r.costMicros, 0);
        expect(spent).toBe(n * COST);
        expect(spent).toBeLessThanOrEqual(n * COST);
      }
    }, 240_000);
  });
}
