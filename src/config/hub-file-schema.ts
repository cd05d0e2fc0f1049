/**
 * The zod schema of the hub YAML file as written (snake_case). `hub-file.ts` validates with it,
 * maps issues to lines, checks cross-references and converts to domain records.
 * Field reference: docs/configuration.md.
 */
import { z } from 'zod';
import { BIZ_LEVELS, TIERS } from '../core/domain.js';
import { decimalToMicros } from './config-money.js';

const ENV_REF = /^env:[A-Za-z_][A-Za-z0-9_]*$/;
const PLAINTEXT_HINT = 'expected an environment reference `env:NAME`; plaintext secrets are not accepted — put the secret in an environment variable';

export const id = z
  .string({ error: 'expected a string id' })
  .min(1, { error: 'expected a non-empty id' })
  .max(200, { error: 'expected at most 200 characters' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, { error: 'expected letters, digits and . _ : @ / - (starting with a letter or digit)' });

export const envRef = z.string().regex(ENV_REF, { error: PLAINTEXT_HINT });

const positiveInt = z.number({ error: 'expected a number' }).int({ error: 'expected an integer' }).positive({ error: 'expected a positive integer' });

export const money = z.union([z.number(), z.string()], { error: 'expected a decimal amount such as 2.5' }).transform((value, ctx) => {
  const result = decimalToMicros(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  }
  return result.micros;
});

const optionValue = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });
const optionsMap = z.record(z.string(), optionValue);

const isoDate = z.string({ error: 'expected an ISO 8601 date such as 2026-12-31T00:00:00Z' }).refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), {
  error: 'expected an ISO 8601 date such as 2026-12-31T00:00:00Z',
});

export const providerSchema = z.strictObject({
  id,
  kind: z.string().min(1, { error: 'expected a provider kind (openai, azure-openai, anthropic, deepseek, zhipu, qwen, moonshot, volcengine, openai-compatible, simulator)' }),
  base_url: z.url({ error: 'expected an absolute http(s) URL' }).optional(),
  api_key: envRef.optional(),
  headers: z.record(z.string(), z.string({ error: 'expected a string header value' })).optional(),
  options: optionsMap.optional(),
  allow_private_network: z.boolean().optional(),
});

export const priceSchema = z.strictObject({
  currency: z.enum(['USD', 'CNY'], { error: 'expected USD or CNY' }),
  input: money,
  output: money,
  cached_input: money.optional(),
  cache_write: money.optional(),
});

export const deploymentSchema = z.strictObject({
  id: id.optional(),
  provider: id,
  model: z.string().min(1, { error: 'expected the upstream model name' }),
  tier: z.enum(TIERS as [string, ...string[]], { error: 'expected one of premium, standard, economy' }),
  capabilities: z.array(z.string().min(1)).optional(),
  context_window: positiveInt,
  max_output_tokens: positiveInt.optional(),
  price: priceSchema.optional(),
  limits: z.strictObject({ rpm: positiveInt.optional(), tpm: positiveInt.optional(), concurrency: positiveInt.optional() }).optional(),
  weight: z.number().nonnegative({ error: 'expected a weight ≥ 0' }).optional(),
  quality: z.number().min(0, { error: 'expected a score between 0 and 1' }).max(1, { error: 'expected a score between 0 and 1' }).optional(),
  status: z.enum(['enabled', 'disabled', 'draining'], { error: 'expected one of enabled, disabled, draining' }).optional(),
  options: optionsMap.optional(),
});

export const aliasSchema = z.strictObject({
  name: id,
  description: z.string().optional(),
  members: z.array(
    z.strictObject({
      deployment: id,
      weight: z.number().nonnegative({ error: 'expected a weight ≥ 0' }).optional(),
      canary: z.boolean().optional(),
    }),
  ),
});

export const tenantSchema = z.strictObject({
  id,
  name: z.string().min(1),
  status: z.enum(['active', 'suspended'], { error: 'expected active or suspended' }).optional(),
});

export const appSchema = z.strictObject({
  id,
  tenant: id,
  name: z.string().min(1),
  defaults: z
    .strictObject({
      biz_level: z.enum(BIZ_LEVELS as [string, ...string[]], { error: 'expected one of premium, normal, economy' }).optional(),
      prefer_cost: z.enum(['low', 'high'], { error: 'expected low or high' }).optional(),
      allowed_models: z.array(z.string().min(1)).optional(),
      capabilities: z.array(z.string().min(1)).optional(),
      cache: z.strictObject({ ttl_seconds: z.number().int().min(1).max(604_800, { error: 'expected at most 604800 seconds (7 days)' }) }).optional(),
    })
    .optional(),
});

export const keySchema = z
  .strictObject({
    id,
    name: z.string().min(1),
    tenant: id,
    app: id,
    secret: z.string().regex(ENV_REF, { error: 'expected `env:NAME` naming a variable that holds the full virtual key; plaintext keys are not accepted' }).optional(),
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: 'expected sha256:<64 lowercase hex digits>' }).optional(),
    prefix: z.string().regex(/^zs-[0-9A-Za-z]{8}$/, { error: 'expected the display prefix: "zs-" and 8 letters or digits' }).optional(),
    allowed_models: z.array(z.string().min(1)).optional(),
    expires_at: isoDate.optional(),
    revoked_at: isoDate.optional(),
  })
  .superRefine((key, ctx) => {
    if ((key.secret === undefined) === (key.hash === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of `secret: env:NAME` or `hash: sha256:<hex>` (with `prefix`)' });
    }
    if (key.hash !== undefined && key.prefix === undefined) ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'expected `prefix` alongside `hash`' });
  });

export const hubFileSchema = z.strictObject({
  version: z.literal(1, { error: 'expected version: 1' }).optional(),
  providers: z.array(providerSchema).optional(),
  deployments: z.array(deploymentSchema).optional(),
  aliases: z.array(aliasSchema).optional(),
  tenants: z.array(tenantSchema).optional(),
  apps: z.array(appSchema).optional(),
  keys: z.array(keySchema).optional(),
});

export type RawHubFile = z.infer<typeof hubFileSchema>;
