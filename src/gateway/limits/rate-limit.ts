/**
 * The rate-limit port (issue 3 §4; docs/budgets-and-limits.md §Rate limits).
 *
 * RPM and TPM limits per scope — `key:<id>`, `app:<id>`, `tenant:<id>`, `deployment:<id>` —
 * enforced with GCRA in its token-bucket form (see rate-limit-bucket.ts for the arithmetic):
 * a limit L per minute admits a burst of up to L and refills continuously at L per minute.
 *
 * Contract, identical for every implementation (memory now, Redis Lua in the scale-out work;
 * the shared suite is test/limits/rate-limiter-contract.ts):
 *  1. `consume` is atomic and all-or-nothing across every rule and dimension of the request:
 *     if any bucket rejects, no bucket is charged.
 *  2. `check` answers what `consume` would answer now, and changes nothing.
 *  3. Limits travel with each call (rules are plain data); the stored state per bucket is
 *     independent of the limit, so a limit changed in config applies from the next call.
 *  4. TPM admits on an estimate; `adjustTokens` later corrects the same buckets by
 *     (actual − estimate). A refund never makes a bucket fuller than full; an overrun is
 *     carried as debt and delays later requests.
 *  5. Time comes from the injected clock; idle buckets (fully refilled) are forgotten, which
 *     is indistinguishable from never having existed.
 */
import { HubError } from '../../core/errors.js';

export type RateLimitScopeKind = 'key' | 'app' | 'tenant' | 'deployment';

/** A scope key, e.g. `key:k_123`, `tenant:acme`, `deployment:gpt-4o@openai-main`. */
export type RateLimitScope = `${RateLimitScopeKind}:${string}`;

export function rateLimitScope(kind: RateLimitScopeKind, id: string): RateLimitScope {
  return `${kind}:${id}`;
}

/** The limits of one scope. An absent limit is unlimited; 0 rejects every request. */
export interface RateLimitRule {
  scope: RateLimitScope;
  /** Requests per minute. */
  rpm?: number;
  /** Tokens (input estimate + max output) per minute. */
  tpm?: number;
}

export interface RateLimitRequest {
  /** Every scope the request counts against; duplicates are merged (the lower limit wins). */
  rules: readonly RateLimitRule[];
  /** Token estimate charged against every TPM rule (non-negative integer). */
  tokens: number;
  /** Requests charged against every RPM rule; default 1. */
  requests?: number;
}

export type RateLimitDimension = 'requests' | 'tokens';

/** State of the tightest bucket of one dimension, for the `x-ratelimit-*` headers. */
export interface RateLimitStatus {
  scope: RateLimitScope;
  limit: number;
  /** Whole units left right now (after this request, when it was admitted). */
  remaining: number;
  /** Milliseconds until the bucket is completely refilled. */
  resetMs: number;
}

export interface RateLimitAllowed {
  allowed: true;
  /** Tightest RPM bucket (least remaining); absent when no RPM rule applied. */
  requests?: RateLimitStatus;
  /** Tightest TPM bucket; absent when no TPM rule applied. */
  tokens?: RateLimitStatus;
}

export interface RateLimitRejected {
  allowed: false;
  /** The rejecting bucket — of all rejecting buckets, the one that frees up last. */
  scope: RateLimitScope;
  dimension: RateLimitDimension;
  limit: number;
  remaining: number;
  /** Earliest time (ms from now) the same request could be admitted by this bucket. */
  retryAfterMs: number;
  resetMs: number;
  requests?: RateLimitStatus;
  tokens?: RateLimitStatus;
}

export type RateLimitDecision = RateLimitAllowed | RateLimitRejected;

export interface RateLimiter {
  /** What `consume` would decide now; charges nothing. */
  check(request: RateLimitRequest): Promise<RateLimitDecision>;
  /** Admits and charges the request in every bucket, or rejects and charges none. */
  consume(request: RateLimitRequest): Promise<RateLimitDecision>;
  /**
   * Corrects the TPM buckets of `rules` by `delta` tokens (actual − estimate; may be negative).
   * Rules without `tpm` are ignored. Call once per admitted request, after its usage is known.
   */
  adjustTokens(rules: readonly RateLimitRule[], delta: number): Promise<void>;
  /**
   * Present only on limiters whose state is in this process (memory): the same operations
   * answered synchronously, so the request path spends no promise or microtask on them.
   * Implementations with remote state (Redis) leave it undefined.
   */
  readonly sync?: RateLimiterSync;
}

/**
 * The synchronous twin of a RateLimiter: the same state, results and contract as its async
 * methods (one call of either kind sees the other's effects); errors are thrown, not rejected.
 */
export interface RateLimiterSync {
  check(request: RateLimitRequest): RateLimitDecision;
  consume(request: RateLimitRequest): RateLimitDecision;
  adjustTokens(rules: readonly RateLimitRule[], delta: number): void;
}

/** The `rate_limited` error for a rejection (HTTP 429, Retry-After from `retryAfterMs`). */
export function rateLimitedError(decision: RateLimitRejected): HubError {
  const unit = decision.dimension === 'requests' ? 'requests' : 'tokens';
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  return new HubError(
    'rate_limited',
    `rate limit of ${decision.scope} reached: ${decision.limit} ${unit} per minute; retry in ${seconds} s`,
    { retryAfterMs: decision.retryAfterMs },
  );
}
