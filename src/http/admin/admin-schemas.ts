/** Zod schemas shared by admin routes (request validation and the OpenAPI document). */
import { z } from 'zod';

/** Operator-chosen ids: letters, digits, `.`, `_`, `-`, `@`; 1–128 characters. */
export const objectId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, { error: 'expected 1–128 letters, digits, ".", "_", "-" or "@", starting with a letter or digit' });
export const name = z.string().trim().min(1).max(200);
export const epochMs = z.number().int().positive().describe('UTC epoch milliseconds');
export const positiveInt = z.number().int().positive();
export const modelList = z.array(z.string().min(1).max(200)).max(500);

export const idParams = z.strictObject({ id: z.string().min(1).max(200) });
export const nameParams = z.strictObject({ name: z.string().min(1).max(200) });

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size (1–200, default 50)'),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
};

export const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), total: z.number().int().optional(), nextCursor: z.string().nullable() });
}

export const rpmTpm = z.strictObject({ rpm: z.number().int().min(0).optional(), tpm: z.number().int().min(0).optional() });

export const appDefaults = z.strictObject({
  bizLevel: z.enum(['premium', 'normal', 'economy']).optional(),
  costPreference: z.enum(['low', 'high']).optional(),
  allowedModels: modelList.optional(),
  capabilities: z.array(z.string().min(1).max(64)).max(64).optional(),
  cache: z.strictObject({ ttlSeconds: z.number().int().min(1).max(604_800).describe('Seconds a cached non-stream answer is served') }).optional().describe('Response cache (docs/response-cache.md); absent = off'),
});

export const roleSchema = z.enum(['platform_admin', 'tenant_admin', 'viewer']);
export const tierSchema = z.enum(['premium', 'standard', 'economy']);
export const currencySchema = z.enum(['USD', 'CNY']);
export const optionValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const priceSchema = z.strictObject({
  currency: currencySchema,
  inputPerMTok: z.number().int().min(0).describe('micro-units per 1M input tokens'),
  outputPerMTok: z.number().int().min(0),
  cachedInputPerMTok: z.number().int().min(0).optional(),
  cacheWritePerMTok: z.number().int().min(0).optional(),
});

export const deletedResponse = z.object({}).describe('No content');
