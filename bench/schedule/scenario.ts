/**
 * The scenario file format of the scheduling benchmark (../shared/scheduling/README.md), parsed
 * with zod so a malformed scenario names the field, and converted to core deployments.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { BizLevel, Deployment, Tier } from '../../src/core/domain.js';

const level = z.enum(['premium', 'normal', 'economy']);
const perLevel = <T extends z.ZodType>(t: T) => z.object({ premium: t, normal: t, economy: t });

const deploymentSchema = z.object({
  id: z.string().min(1),
  tier: z.enum(['premium', 'standard', 'economy']),
  alias: z.string().optional(),
  canaryWeight: z.number().min(0).max(1).optional(),
  capabilities: z.array(z.string()),
  contextWindow: z.number().int().positive(),
  priceInPer1k: z.number().nonnegative(),
  priceOutPer1k: z.number().nonnegative(),
  medianMs: z.number().positive(),
  maxConcurrency: z.number().int().positive(),
  rpsLimit: z.number().positive(),
  errorRate: z.number().min(0).max(1),
  quality: z.number().min(0).max(1),
});

const faultSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('blackhole'), deployment: z.string(), fromS: z.number(), toS: z.number().optional(), hangMs: z.number().positive() }),
  z.object({ type: z.literal('slowdown'), deployment: z.string(), fromS: z.number(), toS: z.number().optional(), factor: z.number().positive() }),
  z.object({ type: z.literal('rateLimitStorm'), deployment: z.string(), fromS: z.number(), toS: z.number().optional(), rps: z.number().positive(), retryAfterS: z.number().positive() }),
  z.object({ type: z.literal('errorRate'), deployment: z.string(), fromS: z.number(), toS: z.number().optional(), errorRate: z.number().min(0).max(1) }),
]);

const tokens = z.object({ median: z.number().positive(), sigma: z.number().nonnegative(), min: z.number().int().positive().optional(), max: z.number().int().positive() });

export const scenarioSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  durationS: z.number().positive(),
  seeds: z.array(z.number().int()).min(1),
  limits: z.object({ attemptTimeoutMs: z.number().positive(), deadlineMs: z.number().positive(), maxAttempts: z.number().int().min(1) }),
  deployments: z.array(deploymentSchema).min(1),
  traffic: z.object({
    rps: z.number().positive(),
    bursts: z.array(z.object({ fromS: z.number(), toS: z.number(), rps: z.number().positive() })).default([]),
    bizLevel: perLevel(z.number().nonnegative()),
    preferHighCost: perLevel(z.number().min(0).max(1)),
    capabilities: z.record(z.string(), z.number().min(0).max(1)),
    longContext: z.object({ probability: z.number().min(0).max(1), levels: z.array(level), inputTokensMin: z.number().int().positive(), inputTokensMax: z.number().int().positive() }).optional(),
    vision: z.object({ probability: z.number().min(0).max(1), levels: z.array(level) }).optional(),
    inputTokens: tokens,
    outputTokens: tokens,
    maxTokens: z.number().int().positive(),
    users: z.number().int().positive(),
    maxCostPerRequest: z.object({ premium: z.number().positive().optional(), normal: z.number().positive().optional(), economy: z.number().positive().optional() }).default({}),
  }),
  budgets: z.object({ factorOverCheapestPreferredTier: perLevel(z.number().positive()) }),
  faults: z.array(faultSchema).default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioDeployment = z.infer<typeof deploymentSchema>;
export type Fault = z.infer<typeof faultSchema>;

export function loadScenario(file: string): Scenario {
  const parsed = scenarioSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid scenario'}`);
  }
  const ids = new Set(parsed.data.deployments.map((d) => d.id));
  for (const f of parsed.data.faults) {
    if (!ids.has(f.deployment)) throw new Error(`${file}: faults: unknown deployment "${f.deployment}"`);
  }
  return parsed.data;
}

/** The business level's preferred tier, for tenant budgets. */
export const PREFERRED_TIER: Record<BizLevel, Tier> = { premium: 'premium', normal: 'standard', economy: 'economy' };

/** A scenario deployment as the hub's catalog would hold it (prices in micro-USD per 1M tokens). */
export function toDeployment(d: ScenarioDeployment): Deployment {
  return {
    id: d.id,
    providerId: `sim-${d.id}`,
    model: d.id,
    tier: d.tier,
    capabilities: d.capabilities,
    contextWindow: d.contextWindow,
    price: { currency: 'USD', inputPerMTok: Math.round(d.priceInPer1k * 1e9), outputPerMTok: Math.round(d.priceOutPer1k * 1e9) },
    limits: { concurrency: d.maxConcurrency, rpm: d.rpsLimit * 60 },
    weight: 1,
    quality: d.quality,
    status: 'enabled',
  };
}
