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
  /**
   * Deployments already tried for this request. A pipeline that re-plans before a retry (so the
   * retry sees health learned meanwhile) passes them here; they are removed up front.
   */
  excludeDeployments?: readonly string[];
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
  /**
   * 0..1 share of that budget's period already elapsed, when the budget has a period. With it
   * the scheduler paces on the projected spend (used ÷ elapsed), not only on the spend so far.
   */
  periodElapsed?(): number;
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
  /** The id given to `attemptStarted`, if any: matches this outcome to its start exactly. */
  attemptId?: string;
  result: AttemptResult;
  latencyMs: number;
  /** Time to first token/byte, when one arrived. */
  ttftMs?: number;
  /** For `throttled`: don't send before this time (epoch ms). */
  retryAfterMs?: number;
}

/**
 * Read-only health of one deployment, for the admin API.
 * - `healthy`: closed breaker, recent traffic within normal error rate and latency.
 * - `unknown`: no outcome observed yet (or nothing for a long time).
 * - `degraded`: serving, but half-open, throttled, stalled, draining, slow or erroring.
 * - `offline`: breaker open (automatic or forced by an operator) or disabled.
 */
export type HealthState = 'healthy' | 'unknown' | 'degraded' | 'offline';

export type BreakerState = 'closed' | 'open' | 'half_open';

/** An operator override: `force-open` keeps the breaker open, `disable` and `drain` stop new traffic. */
export type OperatorOverride = 'force-open' | 'disable' | 'drain';

export interface DeploymentHealth {
  deploymentId: string;
  state: HealthState;
  breaker: BreakerState;
  /** Epoch ms when an open breaker goes half-open. */
  breakerOpenUntil?: number;
  /** Epoch ms until which the deployment is throttled (Retry-After). */
  throttledUntil?: number;
  stalled: boolean;
  inflight: number;
  /** Peak-EWMA latency and time to first token, ms; undefined before the first sample. */
  latencyMs?: number;
  ttftMs?: number;
  /** Time-decayed error rate 0..1. */
  errorRate: number;
  override?: OperatorOverride;
  /** Short reasons behind a non-healthy state, e.g. `breaker_open`, `slow`, `errors`. */
  reasons: string[];
}

/** Gray-release audit event: the hub writes it to the audit log. */
export interface GrayEvent {
  type: 'rollback' | 'promotion';
  alias: string;
  deploymentId: string;
  /** Epoch ms (scheduler clock). */
  at: number;
  /** `error_rate`, `latency` or `operator`. */
  reason: string;
  /** The statistic behind an automatic decision (counts, p-value or z), JSON-serialisable. */
  evidence: Record<string, number | string>;
}

export interface Scheduler {
  plan(req: RouteRequest, candidates: RouteCandidate[], budget?: BudgetGate): RoutePlan;
  /**
   * Called when an attempt is dispatched (load tracking). `attemptId` (unique while in flight)
   * lets first-byte and finish signals match this attempt; without it they match oldest-first.
   */
  attemptStarted(deploymentId: string, attemptId?: string): void;
  /**
   * The first byte of a started attempt arrived (stream: the first token; non-stream: the
   * response head). Report it for every attempt, stream or not: stall detection (first-byte
   * timeout counted against the breaker) engages for a deployment once it has seen one, and
   * then treats an attempt without it as still waiting.
   */
  attemptFirstByte(deploymentId: string, attemptId?: string): void;
  /** Called exactly once per started attempt. */
  attemptFinished(feedback: AttemptFeedback): void;
  /** Health of every deployment seen so far (or of one). */
  health(): DeploymentHealth[];
  healthOf(deploymentId: string): DeploymentHealth;
  /** Operator override; `undefined` clears it. */
  setOverride(deploymentId: string, override: OperatorOverride | undefined): void;
  /** Operator gray-release actions; both emit a `GrayEvent` with reason `operator`. */
  rollbackCanary(alias: string, deploymentId: string): void;
  promoteCanary(alias: string, deploymentId: string): void;
}
