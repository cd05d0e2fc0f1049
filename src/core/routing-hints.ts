/**
 * What a client declares about its needs, from headers (`x-biz-level`, `x-prefer-cost`,
 * `x-capabilities`, `x-end-user`) or the body extension field
 * `"zhongshu": {"biz_level", "prefer_cost", "capabilities", "end_user"}`. Headers win over the
 * body; both win over the app's defaults.
 */
import type { BizLevel, CostPreference } from './domain.js';

export interface RoutingHints {
  bizLevel?: BizLevel;
  costPreference?: CostPreference;
  capabilities?: string[];
  endUser?: string;
}
