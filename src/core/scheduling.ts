/**
 * The scheduler contract (DESIGN.md §1, issue 4). The implementation in
 * src/gateway/scheduler/ is pure: clock and randomness are injected, so the live request path
 * and the offline scheduling benchmark (bench/schedule/) drive the very same code.
 */
import type { BizLevel, CostPreference, Deployment } from './domain.js';

export interface RouteRequest {
  requestId: string;
  tenantId: string;
  /** Stable per (tenant, end user): gray-release assignment is sticky on it. */
  stickyKey: string;
  bizLevel: BizLevel;
  costPreference: CostPreference;
  /** Required capability tags (declared + inferred from the request). */
  capabilities: string[];
  /** Estimated prompt tokens (a cheap upper bound is fine). */
  inputTokens: number;
  /** Effective max output tokens. */
  maxOutputTokens: number;
  /** The request's own cost cap in micro-units, if any. */
  maxCostMicros?: number;
  /** The client named a concrete deployment: choice is fixed, health and fallback still apply. */
  pinned: boolean;
  stream: boolean;
}

export interface RouteCandidate {
  deployment: Deployment;
  /** Weight within the alias (or the deployment's own weight). */
  weight: number;
  /** Gray-release member of its alias. */
  canary: boolean;
  /** Alias the candidate came from, if any. */
  alias?: string;
}

/** Budget view for admission: may this deployment take a request of this worst-case cost? */
export interface BudgetGate {
  /** Worst-case cost of the request on `deployment` in micro-units, or undefined if unpriced. */
  allows(deployment: Deployment, worstCaseMicros: number | undefined): boolean;
  /** 0..1 share of the tightest budget already used, for pacing and tier degradation. */
  pressure(): number;
}

export interface RoutePlan {
  /** Ordered: the first is the pick, the rest are fallbacks (at most maxAttempts - 1). */
  attempts: Deployment[];
  /** Machine reason of the pick, e.g. `score`, `pinned`, `canary`, `panic`, `degraded`. */
  reason: string;
  /** How many candidates each hard filter removed, in filter order. */
  filtered: Record<string, number>;
  candidates: number;
  /** Full explainable trace (scores per candidate), served by the admin API. */
  trace: Record<string, unknown>;
}

export type AttemptResult =
  | 'ok'
  | 'error'
  /** 429 / Retry-After: throttled, not unhealthy. */
  | 'throttled'
  | 'timeout'
  /** Client error (4xx): says nothing about deployment health. */
  | 'client_error';

export interface AttemptFeedback {
  deploymentId: string;
  result: AttemptResult;
  latencyMs: number;
  /** Time to first token/byte, when one arrived. */
  ttftMs?: number;
  /** For `throttled`: don't send before this time (epoch ms). */
  retryAfterMs?: number;
}

export interface Scheduler {
  plan(req: RouteRequest, candidates: RouteCandidate[], budget?: BudgetGate): RoutePlan;
  /** Called when an attempt is dispatched (load tracking). */
  attemptStarted(deploymentId: string): void;
  /** Called exactly once per started attempt. */
  attemptFinished(feedback: AttemptFeedback): void;
}
