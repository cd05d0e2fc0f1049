/**
 * A synthetic, realistic month of ledger rows for the usage benchmark: 4 tenants × 6 apps,
 * each app with 2–3 keys, 1–3 favourite models and its biz level; alias pools of 1–2
 * deployments (some priced in CNY); thousands of end users; daytime peaks; ~4 % errors and
 * ~5 % retried requests. Seeded, generated batch by batch in time order (bounded memory).
 */
import { mulberry32 } from '../../src/lib/prng.js';
import type { BizLevel, Currency, UsageEvent, UsageStatus } from '../../src/core/domain.js';

export const seeded = mulberry32;

interface Dep { id: string; provider: string; upstream: string; currency: Currency; inPerM: number; outPerM: number }
interface App { tenant: string; id: string; keys: string[]; models: string[]; biz: BizLevel }

const DEPLOYMENTS: Record<string, Dep[]> = {
  'chat-premium': [{ id: 'claude-sonnet@anthropic', provider: 'anthropic', upstream: 'claude-sonnet-4-5', currency: 'USD', inPerM: 3_000_000, outPerM: 15_000_000 }],
  'chat-standard': [
    { id: 'deepseek-chat@deepseek', provider: 'deepseek', upstream: 'deepseek-chat', currency: 'CNY', inPerM: 2_000_000, outPerM: 3_000_000 },
    { id: 'qwen-plus@dashscope', provider: 'dashscope', upstream: 'qwen-plus', currency: 'CNY', inPerM: 800_000, outPerM: 2_000_000 },
  ],
  'chat-economy': [{ id: 'glm-4-flash@zhipu', provider: 'zhipu', upstream: 'glm-4-flash', currency: 'CNY', inPerM: 100_000, outPerM: 100_000 }],
  'gpt-4o': [{ id: 'gpt-4o@openai', provider: 'openai', upstream: 'gpt-4o', currency: 'USD', inPerM: 2_500_000, outPerM: 10_000_000 }],
  'gpt-4o-mini': [{ id: 'gpt-4o-mini@openai', provider: 'openai', upstream: 'gpt-4o-mini', currency: 'USD', inPerM: 150_000, outPerM: 600_000 }],
  'glm-4-plus': [{ id: 'glm-4-plus@zhipu', provider: 'zhipu', upstream: 'glm-4-plus', currency: 'CNY', inPerM: 5_000_000, outPerM: 5_000_000 }],
  'moonshot-v1-32k': [{ id: 'moonshot-32k@moonshot', provider: 'moonshot', upstream: 'moonshot-v1-32k', currency: 'CNY', inPerM: 24_000_000, outPerM: 24_000_000 }],
  'qwen-max': [{ id: 'qwen-max@dashscope', provider: 'dashscope', upstream: 'qwen-max', currency: 'CNY', inPerM: 2_400_000, outPerM: 9_600_000 }],
  'embed-small': [{ id: 'bge-m3@vllm', provider: 'vllm', upstream: 'bge-m3', currency: 'CNY', inPerM: 0, outPerM: 0 }],
  auto: [
    { id: 'deepseek-chat@deepseek', provider: 'deepseek', upstream: 'deepseek-chat', currency: 'CNY', inPerM: 2_000_000, outPerM: 3_000_000 },
    { id: 'glm-4-flash@zhipu', provider: 'zhipu', upstream: 'glm-4-flash', currency: 'CNY', inPerM: 100_000, outPerM: 100_000 },
  ],
};
const MODELS = Object.keys(DEPLOYMENTS);
const PLUGINS = ['contract-keypoints', 'policy-structuring', 'news-summary'];
const PROMPTS = ['cs-reply@3', 'cs-reply@4', 'summary@1', 'tagging@2', 'extract@5', 'sql-gen@1', 'translate@2', 'qa@7'];

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;

function buildApps(rnd: () => number): App[] {
  const apps: App[] = [];
  for (const tenant of ['group-hq', 'securities', 'asset-mgmt', 'research']) {
    for (let i = 0; i < 6; i++) {
      const id = `${tenant}-app${i}`;
      const models = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(rnd, MODELS)))];
      apps.push({ tenant, id, keys: Array.from({ length: 2 + Math.floor(rnd() * 2) }, (_, k) => `${id}-key${k}`), models, biz: pick(rnd, ['premium', 'normal', 'economy'] as const) });
    }
  }
  return apps;
}

/** Weight of an hour of the day (Asia/Shanghai): office hours dominate. */
function hourWeight(localHour: number): number {
  return localHour >= 9 && localHour < 18 ? 3 : localHour >= 7 && localHour < 23 ? 1.2 : 0.3;
}

export function* syntheticBatches(total: number, monthStart: number, monthEnd: number, batch: number, seed = 42): Generator<UsageEvent[]> {
  const rnd = seeded(seed);
  const apps = buildApps(rnd);
  const hours = Math.floor((monthEnd - monthStart) / 3_600_000);
  const weights = Array.from({ length: hours }, (_, h) => hourWeight((h + 8) % 24));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  let produced = 0;
  let out: UsageEvent[] = [];
  let req = 0;
  for (let h = 0; h < hours && produced < total; h++) {
    const inHour = h === hours - 1 ? total - produced : Math.min(total - produced, Math.round((total * (weights[h] as number)) / weightSum));
    for (let i = 0; i < inHour; i++) {
      const startedAt = monthStart + h * 3_600_000 + Math.floor(rnd() * 3_600_000);
      const retried = rnd() < 0.05 && produced + 1 < total && i + 1 < inHour;
      for (const event of requestRows(rnd, apps, `req-${seed}-${req++}`, startedAt, retried)) {
        out.push(event);
        produced++;
        if (retried && event.attempt === 2) i++;
      }
      if (out.length >= batch) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length > 0) yield out;
}

function requestRows(rnd: () => number, apps: readonly App[], requestId: string, startedAt: number, retried: boolean): UsageEvent[] {
  const app = pick(rnd, apps);
  const model = pick(rnd, app.models);
  const endUser = rnd() < 0.6 ? `u${Math.floor(rnd() ** 2 * 5000)}` : undefined;
  const plugin = rnd() < 0.1 ? pick(rnd, PLUGINS) : undefined;
  const prompt = rnd() < 0.2 ? pick(rnd, PROMPTS) : undefined;
  const key = pick(rnd, app.keys);
  const rows: UsageEvent[] = [];
  const attempts = retried ? 2 : 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const dep = pick(rnd, DEPLOYMENTS[model] as Dep[]);
    const r = rnd();
    const status: UsageStatus = retried && attempt === 1 ? 'upstream_error' : r < 0.96 ? 'ok' : r < 0.98 ? 'upstream_error' : r < 0.99 ? 'client_aborted' : 'timeout';
    const input = status === 'upstream_error' ? 0 : 200 + Math.floor(rnd() * 4000);
    const output = status === 'ok' || status === 'client_aborted' ? 20 + Math.floor(rnd() * 800) : 0;
    const cost = Math.round((input * dep.inPerM + output * dep.outPerM) / 1_000_000);
    const latency = 200 + Math.floor(rnd() * 6000);
    const e: UsageEvent = {
      requestId, attempt, startedAt: startedAt + (attempt - 1) * 500, finishedAt: startedAt + (attempt - 1) * 500 + latency,
      tenantId: app.tenant, appId: app.id, keyId: key, requestedModel: model, deploymentId: dep.id, providerId: dep.provider,
      upstreamModel: dep.upstream, bizLevel: app.biz, stream: rnd() < 0.5, status, inputTokens: input, outputTokens: output,
      cachedInputTokens: Math.floor(input * 0.1 * rnd()), cacheWriteTokens: 0, reasoningTokens: 0, usageSource: 'provider',
      costMicros: cost, currency: dep.currency, unpriced: false, latencyMs: latency,
    };
    if (status !== 'ok') e.errorCode = status;
    if (endUser !== undefined) e.endUser = endUser;
    if (plugin !== undefined) e.plugin = plugin;
    if (prompt !== undefined) e.promptRef = prompt;
    rows.push(e);
  }
  return rows;
}
