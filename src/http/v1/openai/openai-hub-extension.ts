/**
 * The hub's own body extension, accepted by both ingress dialects (OpenAI and Anthropic):
 *
 * ```json
 * "zhongshu": {"biz_level": "premium|normal|economy", "prefer_cost": "low|high",
 *              "capabilities": ["vision"], "end_user": "u-42"}
 * ```
 *
 * It never reaches an upstream; the codecs return it separately as `RoutingHints` (core), with
 * `endUser` falling back to the dialect's own field (OpenAI `user`, Anthropic `metadata.user_id`).
 */
import { z } from 'zod';
import type { RoutingHints } from '../../../core/routing-hints.js';

export type { RoutingHints };

/** Strict: a typo such as `biz_levl` is reported instead of silently ignored. */
export const hubExtensionSchema = z
  .strictObject({
    biz_level: z.enum(['premium', 'normal', 'economy']).nullish(),
    prefer_cost: z.enum(['low', 'high']).nullish(),
    capabilities: z.array(z.string().min(1)).max(32).nullish(),
    end_user: z.string().min(1).max(256).nullish(),
  })
  .nullish();

export type HubExtension = z.infer<typeof hubExtensionSchema>;

/** Builds the hints from the extension and the dialect's own end-user field. */
export function toRoutingHints(ext: HubExtension, dialectUser: string | undefined): RoutingHints {
  const hints: RoutingHints = {};
  if (ext?.biz_level) hints.bizLevel = ext.biz_level;
  if (ext?.prefer_cost) hints.costPreference = ext.prefer_cost;
  if (ext?.capabilities && ext.capabilities.length > 0) hints.capabilities = [...new Set(ext.capabilities)];
  const endUser = ext?.end_user ?? dialectUser;
  if (endUser) hints.endUser = endUser;
  return hints;
}
