/**
 * Records seeded by bootstrap: the demo simulator (three chat tiers + embeddings) and the
 * deployments switched on by provider API-key environment variables. List prices per 1M
 * tokens in micro-units, as known at the time of writing — operators must verify them
 * (docs/configuration.md, "Built-in prices").
 */
import type { Deployment, ModelAlias, Price } from '../core/domain.js';

const usd = (input: number, output: number, cachedInput?: number, cacheWrite?: number): Price => ({
  currency: 'USD',
  inputPerMTok: input,
  outputPerMTok: output,
  ...(cachedInput !== undefined ? { cachedInputPerMTok: cachedInput } : {}),
  ...(cacheWrite !== undefined ? { cacheWritePerMTok: cacheWrite } : {}),
});
const cny = (input: number, output: number, cachedInput?: number): Price => ({ ...usd(input, output, cachedInput), currency: 'CNY' });

type Preset = Omit<Deployment, 'providerId' | 'limits' | 'weight' | 'status'>;

function deployment(providerId: string, preset: Preset): Deployment {
  return { ...preset, providerId, limits: {}, weight: 1, status: 'enabled' };
}

export const SIMULATOR_PROVIDER_ID = 'simulator';

/** Demo simulator deployments; `options` are read by the simulator adapter. */
export function simulatorDeployments(): Deployment[] {
  const chat = ['multilingual', 'function_calling', 'json'];
  return [
    deployment(SIMULATOR_PROVIDER_ID, {
      id: 'sim-premium', model: 'sim-premium', tier: 'premium', capabilities: [...chat, 'code', 'long_context', 'vision', 'reasoning'],
      contextWindow: 200_000, maxOutputTokens: 16_384, price: usd(3_000_000, 15_000_000, 300_000), quality: 0.92,
      options: { latencyMs: 300, tokensPerSecond: 80 },
    }),
    deployment(SIMULATOR_PROVIDER_ID, {
      id: 'sim-standard', model: 'sim-standard', tier: 'standard', capabilities: [...chat, 'code'],
      contextWindow: 128_000, maxOutputTokens: 8_192, price: usd(500_000, 1_500_000, 125_000), quality: 0.8,
      options: { latencyMs: 150, tokensPerSecond: 150 },
    }),
    deployment(SIMULATOR_PROVIDER_ID, {
      id: 'sim-economy', model: 'sim-economy', tier: 'economy', capabilities: chat,
      contextWindow: 32_000, maxOutputTokens: 4_096, price: usd(100_000, 400_000, 25_000), quality: 0.65,
      options: { latencyMs: 60, tokensPerSecond: 300 },
    }),
    deployment(SIMULATOR_PROVIDER_ID, {
      id: 'sim-embedding', model: 'sim-embedding', tier: 'economy', capabilities: ['embeddings', 'multilingual'],
      contextWindow: 8_192, price: usd(20_000, 0), options: { latencyMs: 20 },
    }),
  ];
}

export function simulatorAliases(): ModelAlias[] {
  return [
    { name: 'chat-premium', description: 'Demo premium tier (simulator)', members: [{ deploymentId: 'sim-premium', weight: 1 }] },
    { name: 'chat-standard', description: 'Demo standard tier (simulator)', members: [{ deploymentId: 'sim-standard', weight: 1 }] },
    { name: 'chat-economy', description: 'Demo economy tier (simulator)', members: [{ deploymentId: 'sim-economy', weight: 1 }] },
    { name: 'embedding-demo', description: 'Demo embeddings (simulator)', members: [{ deploymentId: 'sim-embedding', weight: 1 }] },
  ];
}

/** Deployments per env-switched provider id (see config/env.ts ENV_PROVIDER_VARS). Ids: `<model>@<provider>`. */
export function envProviderDeployments(providerId: string): Deployment[] {
  const d = (p: Preset) => deployment(providerId, { ...p, id: `${p.model}@${providerId}` });
  const chat = ['multilingual', 'function_calling', 'json'];
  switch (providerId) {
    case 'openai':
      return [
        d({ id: '', model: 'gpt-4o', tier: 'premium', capabilities: [...chat, 'code', 'vision'], contextWindow: 128_000, maxOutputTokens: 16_384, price: usd(2_500_000, 10_000_000, 1_250_000) }),
        d({ id: '', model: 'gpt-4o-mini', tier: 'economy', capabilities: [...chat, 'code', 'vision'], contextWindow: 128_000, maxOutputTokens: 16_384, price: usd(150_000, 600_000, 75_000) }),
        d({ id: '', model: 'text-embedding-3-small', tier: 'economy', capabilities: ['embeddings', 'multilingual'], contextWindow: 8_191, price: usd(20_000, 0) }),
      ];
    case 'anthropic':
      return [
        d({ id: '', model: 'claude-sonnet-4-5', tier: 'premium', capabilities: [...chat, 'code', 'vision', 'long_context', 'reasoning'], contextWindow: 200_000, maxOutputTokens: 64_000, price: usd(3_000_000, 15_000_000, 300_000, 3_750_000) }),
        d({ id: '', model: 'claude-haiku-4-5', tier: 'standard', capabilities: [...chat, 'code', 'vision', 'long_context'], contextWindow: 200_000, maxOutputTokens: 64_000, price: usd(1_000_000, 5_000_000, 100_000, 1_250_000) }),
      ];
    case 'deepseek':
      return [
        d({ id: '', model: 'deepseek-chat', tier: 'standard', capabilities: [...chat, 'code'], contextWindow: 128_000, maxOutputTokens: 8_192, price: usd(280_000, 420_000, 28_000) }),
        d({ id: '', model: 'deepseek-reasoner', tier: 'premium', capabilities: ['multilingual', 'code', 'json', 'reasoning'], contextWindow: 128_000, maxOutputTokens: 64_000, price: usd(280_000, 420_000, 28_000) }),
      ];
    case 'zhipu':
      return [
        d({ id: '', model: 'glm-4-plus', tier: 'premium', capabilities: [...chat, 'code', 'long_context'], contextWindow: 128_000, maxOutputTokens: 4_096, price: cny(5_000_000, 5_000_000) }),
        d({ id: '', model: 'glm-4-flash', tier: 'economy', capabilities: chat, contextWindow: 128_000, maxOutputTokens: 4_096, price: cny(0, 0) }),
      ];
    case 'qwen':
      return [
        d({ id: '', model: 'qwen-max', tier: 'premium', capabilities: [...chat, 'code'], contextWindow: 32_768, maxOutputTokens: 8_192, price: cny(2_400_000, 9_600_000) }),
        d({ id: '', model: 'qwen-plus', tier: 'standard', capabilities: [...chat, 'code', 'long_context'], contextWindow: 131_072, maxOutputTokens: 8_192, price: cny(800_000, 2_000_000) }),
        d({ id: '', model: 'qwen-turbo', tier: 'economy', capabilities: [...chat, 'long_context'], contextWindow: 1_000_000, maxOutputTokens: 8_192, price: cny(300_000, 600_000) }),
      ];
    case 'moonshot':
      return [
        d({ id: '', model: 'moonshot-v1-8k', tier: 'economy', capabilities: chat, contextWindow: 8_192, price: cny(2_000_000, 10_000_000) }),
        d({ id: '', model: 'moonshot-v1-32k', tier: 'standard', capabilities: chat, contextWindow: 32_768, price: cny(5_000_000, 20_000_000) }),
        d({ id: '', model: 'moonshot-v1-128k', tier: 'premium', capabilities: [...chat, 'long_context'], contextWindow: 131_072, price: cny(10_000_000, 30_000_000) }),
      ];
    default:
      return [];
  }
}
