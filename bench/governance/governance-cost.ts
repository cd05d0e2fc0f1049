/**
 * CPU cost of the governance layers per request, as the hub-full perf target exercises them:
 * virtual-key authentication, admission (deployment RPM/TPM, and optionally key limits and a
 * tenant budget), the usage row, and the attempt metrics. Each layer runs in a bounded loop,
 * awaited like the pipeline awaits it; prints the median µs per request over a few rounds.
 *
 *   npx tsx bench/governance/governance-cost.ts [--requests 100000] [--rounds 5]
 */
import type { Catalog } from '../../src/core/catalog.js';
import type { ApiKeyRecord, App, BudgetRecord, Deployment, Principal, RateLimitRecord, Tenant } from '../../src/core/domain.js';
import { RequestAdmission, type AdmissionDeps } from '../../src/gateway/admission.js';
import { buildUsageEvent } from '../../src/gateway/accounting/usage-row.js';
import { createMemoryBudgetLedger, createMemoryRateLimiter, type BudgetDefinition, type BudgetScope } from '../../src/gateway/limits/index.js';
import { authenticate, extractVirtualKey } from '../../src/gateway/tenancy/authenticate.js';
import { hashVirtualKey, isWellFormedVirtualKey } from '../../src/governance/keys.js';
import { createMetrics } from '../../src/telemetry/metrics.js';

const KEY = 'zs-bench0123456789abcdefghijklmnopqrstuvwxy';
const clock = { now: () => Date.now() };

function fixture(withLimits: boolean): Catalog {
  const deployments = new Map<string, Deployment>();
  for (let i = 0; i < 4; i++) {
    deployments.set(`bench-dep-${i}`, {
      id: `bench-dep-${i}`, providerId: 'bench-upstream', model: 'bench-model', tier: 'standard', capabilities: [],
      contextWindow: 128_000, price: { currency: 'USD', inputPerMTok: 150_000, outputPerMTok: 600_000 },
      limits: { rpm: 10_000_000, tpm: 1_000_000_000, concurrency: 5000 }, weight: 1, status: 'enabled',
    } as Deployment);
  }
  const tenant: Tenant = { id: 'bench', name: 'Bench', status: 'active', createdAt: 0 };
  const app: App = { id: 'bench-app', tenantId: 'bench', name: 'Bench app', defaults: {}, createdAt: 0 };
  const key: ApiKeyRecord = { id: 'bench-key', tenantId: 'bench', appId: 'bench-app', name: 'k', prefix: KEY.slice(0, 11), hash: hashVirtualKey(KEY), createdAt: 0 };
  const rateLimits = new Map<string, RateLimitRecord>();
  const budgets: BudgetRecord[] = [];
  if (withLimits) {
    rateLimits.set('key:bench-key', { scope: 'key:bench-key', tenantId: 'bench', rpm: 10_000_000, tpm: 1_000_000_000, updatedAt: 0 });
    budgets.push({ id: 'b1', scope: 'tenant:bench', tenantId: 'bench', period: 'month', limitMicros: 1e15, currency: 'USD', mode: 'hard', createdAt: 0, updatedAt: 0 });
  }
  return {
    version: 1, providers: new Map(), deployments, aliases: new Map(), tenants: new Map([[tenant.id, tenant]]),
    apps: new Map([[app.id, app]]), keysByHash: new Map([[key.hash, key]]), secrets: new Map(), rateLimits, budgets,
  };
}

function admissionDeps(catalog: Catalog): AdmissionDeps {
  const budgets = createMemoryBudgetLedger({ clock });
  budgets.setBudgets(catalog.budgets.map((b): BudgetDefinition => ({ id: b.id, scope: b.scope as BudgetScope, period: b.period, limitMicros: b.limitMicros, currency: b.currency, mode: b.mode })));
  return { rateLimiter: createMemoryRateLimiter({ clock }), budgets, fx: {} };
}

async function measure(name: string, requests: number, rounds: number, run: (i: number) => unknown): Promise<void> {
  const results: number[] = [];
  for (let r = 0; r < rounds + 1; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < requests; i++) {
      const out = run(i);
      if (out instanceof Promise) await out;
    }
    const used = process.cpuUsage(start);
    if (r > 0) results.push(((used.user + used.system) / requests));
  }
  results.sort((a, b) => a - b);
  const median = results[Math.floor(results.length / 2)] ?? 0;
  process.stdout.write(`${name.padEnd(40)} ${median.toFixed(2).padStart(7)} µs/req  (range ${results[0]?.toFixed(2)}–${results.at(-1)?.toFixed(2)})\n`);
}

async function main(args: string[]): Promise<void> {
  const arg = (name: string, dflt: number) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Math.min(5_000_000, Number(args[i + 1]) || dflt) : dflt; };
  const requests = arg('requests', 100_000);
  const rounds = arg('rounds', 5);
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const codec = { isWellFormed: isWellFormedVirtualKey, hash: hashVirtualKey };

  for (const withLimits of [false, true]) {
    const catalog = fixture(withLimits);
    const label = withLimits ? ' (+key limit, budget)' : '';
    await measure(`authenticate${label}`, requests, rounds, () => authenticate(catalog, extractVirtualKey(headers), codec, clock.now()));
    const principal: Principal = authenticate(catalog, KEY, codec, clock.now());
    const deps = admissionDeps(catalog);
    const deployment = catalog.deployments.get('bench-dep-1') as Deployment;
    await measure(`admission${label}`, requests, rounds, async (i) => {
      const admission = await RequestAdmission.admitRequest(deps, catalog, principal, `req_${i}`, 600);
      await admission.budgetGate();
      const admitted = await admission.reserveAttempt(deployment, 200, 400, 1);
      if (!admitted.ok) throw admitted.error;
      admission.settleAttempt(admitted.hold, 150, 'USD', 450);
      admission.finishRequest(450);
    });
    if (withLimits) break;
    const metrics = createMetrics();
    const usage = { inputTokens: 50, outputTokens: 400, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' as const };
    const record = { requestId: 'req_1', attempt: 1, startedAt: 1_000, finishedAt: 1_012, principal, requestedModel: 'bench-model', deployment, decision: 'score', stream: false, status: 'ok' as const, usage };
    await measure('usage row (buildUsageEvent)', requests, rounds, () => buildUsageEvent(record));
    const event = buildUsageEvent(record);
    const streamEvent = { ...event, ttftMs: 5, stream: true };
    await measure('attempt metrics (recordAttempt)', requests, rounds, (i) => metrics.recordAttempt(i % 2 === 0 ? event : streamEvent));
    await measure('request metrics (server onResponse)', requests, rounds, () => {
      metrics.requests.inc({ route: '/v1/chat/completions', status: '200', tenant: 'bench' });
      metrics.requestDuration.observe({ route: '/v1/chat/completions' }, 0.012);
    });
  }
}

await main(process.argv.slice(2));
