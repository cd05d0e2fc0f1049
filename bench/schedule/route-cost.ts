/**
 * Routing cost of one request as the hub-full perf target sees it: an alias over 4 priced
 * standard-tier deployments, no budgets, no allow-list. Times the routing helpers and the
 * scheduler bookkeeping the pipeline runs per request (resolve → estimate → route request →
 * plan → attempt start / first byte / finish → route summary → trace store → route header),
 * then the heap kept per stored trace.
 *
 *   node --expose-gc --import tsx bench/schedule/route-cost.ts [--requests 200000] [--stream]
 */
import type { Catalog } from '../../src/core/catalog.js';
import type { ChatRequest } from '../../src/core/chat.js';
import type { Deployment, ModelAlias, Principal } from '../../src/core/domain.js';
import { estimateInputTokens } from '../../src/gateway/routing/estimate-tokens.js';
import { resolveCandidates } from '../../src/gateway/routing/resolve-candidates.js';
import { buildRouteRequest, inferCapabilities } from '../../src/gateway/routing/route-request.js';
import { formatRouteHeader, summarizeRoute, TraceStore } from '../../src/gateway/routing/route-summary.js';
import { createScheduler } from '../../src/gateway/scheduler/index.js';
import { mulberry32 } from './sim-random.js';

function catalog(n: number): Catalog {
  const deployments = new Map<string, Deployment>();
  for (let i = 0; i < n; i++) {
    deployments.set(`bench-dep-${i}`, {
      id: `bench-dep-${i}`, providerId: 'bench-upstream', model: 'bench-model', tier: 'standard', capabilities: [],
      contextWindow: 128_000, price: { currency: 'USD', inputPerMTok: 150_000, outputPerMTok: 600_000 },
      limits: { rpm: 10_000_000, tpm: 1_000_000_000, concurrency: 5000 }, weight: 1, status: 'enabled',
    });
  }
  const alias: ModelAlias = { name: 'bench-model', members: [...deployments.keys()].map((id) => ({ deploymentId: id, weight: 1 })) };
  const empty = new Map();
  return {
    version: 1, providers: empty, deployments, aliases: new Map([[alias.name, alias]]), tenants: empty, apps: empty,
    keysByHash: empty, secrets: empty, rateLimits: empty, budgets: [],
  };
}

/** Runs `count` requests after a warm-up; returns µs per request and the filled trace store. */
export function runRouteCost(count: number, stream: boolean): { wallUs: number; cpuUs: number; traces: TraceStore; sink: number } {
  const cat = catalog(4);
  const principal: Principal = { tenantId: 'bench', appId: 'bench-app', keyId: 'bench-key', keyPrefix: 'zk-bench', defaults: {} };
  const req: ChatRequest = {
    model: 'bench-model', stream, maxTokens: 64,
    messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'Say hello to the benchmark, briefly please.' }],
  };
  let now = 1_700_000_000_000;
  const rnd = mulberry32(1);
  const scheduler = createScheduler({ clock: { now: () => now }, random: mulberry32(7) });
  const traces = new TraceStore();
  let sink = 0;
  const one = (i: number): void => {
    now += 1;
    const requestId = `req-${i}`;
    const resolved = resolveCandidates(cat, req.model, principal, 'chat');
    const tokens = estimateInputTokens(req);
    const routeRequest = buildRouteRequest({
      requestId, principal, hints: {}, pinned: resolved.pinned, stream: req.stream, inputTokens: tokens.typical,
      maxOutputTokens: req.maxTokens, inferred: inferCapabilities(req),
    });
    const plan = scheduler.plan(routeRequest, resolved.candidates);
    const d = plan.attempts[0] as Deployment;
    const attemptId = `${requestId}#1`;
    const at = now;
    scheduler.attemptStarted(d.id, attemptId);
    scheduler.attemptFirstByte(d.id, attemptId);
    const route = summarizeRoute({ requestId, tenantId: principal.tenantId, requestedModel: req.model, at }, plan, [{ attempt: 1, deploymentId: d.id, outcome: 'ok', latencyMs: 3 }], d.id);
    traces.put(route);
    sink += formatRouteHeader(route).length;
    scheduler.attemptFinished({ deploymentId: d.id, attemptId, result: 'ok', latencyMs: 2 + rnd() * 3, ...(stream ? { ttftMs: 1 + rnd() } : {}) });
  };
  for (let i = 0; i < 20_000; i++) one(i);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 20_000; i < 20_000 + count; i++) one(i);
  const cpu = process.cpuUsage(cpu0);
  const perReq = Number(process.hrtime.bigint() - t0) / 1_000 / count;
  const cpuPerReq = (cpu.user + cpu.system) / count;
  return { wallUs: perReq, cpuUs: cpuPerReq, traces, sink };
}

function main(args: string[]): void {
  const count = Number(args[args.indexOf('--requests') + 1] ?? 0) || 200_000;
  const stream = args.includes('--stream');
  const { wallUs: perReq, cpuUs: cpuPerReq, traces, sink } = runRouteCost(count, stream);
  // Heap kept by the trace store: full store minus an empty one.
  const gc = (globalThis as { gc?: () => void }).gc;
  let perTrace = 'n/a (run with --expose-gc)';
  if (gc) {
    gc();
    const full = process.memoryUsage().heapUsed;
    const kept = (traces as unknown as { traces: Map<string, unknown> }).traces.size;
    (traces as unknown as { traces: Map<string, unknown> }).traces.clear();
    gc();
    const emptied = process.memoryUsage().heapUsed;
    perTrace = `${Math.round((full - emptied) / kept)} B per stored trace (${kept} kept, ${((full - emptied) / 1e6).toFixed(1)} MB)`;
  }
  console.log(`route path, 4 candidates behind one alias, ${stream ? 'stream' : 'json'}: ${perReq.toFixed(2)} µs/request wall, ${cpuPerReq.toFixed(2)} µs CPU, over ${count} requests; ${perTrace} [${sink > 0 ? 'ok' : ''}]`);
}

if (/route-cost\.[jt]s$/.test(process.argv[1] ?? '')) main(process.argv.slice(2));
