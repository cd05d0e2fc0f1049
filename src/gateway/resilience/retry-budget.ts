/**
 * Per-deployment retry budget (issue 4 §4), the token-bucket form used by gRPC retry throttling:
 * every fresh attempt a deployment receives (a request's first attempt, or a fallback from
 * another deployment) deposits `ratio` tokens, up to `maxTokens`; every retry sent back to the
 * deployment that just failed spends one. With the bucket below one token the deployment gets no
 * more same-deployment retries — when an upstream degrades, retries cannot multiply its load
 * beyond about `ratio` × its normal traffic (plus the initial allowance). Fallbacks elsewhere
 * are not limited here; the breaker and the capacity filter guard the deployment they go to.
 */
import type { Clock } from '../../core/ports.js';

export interface RetryBudgetOptions {
  /** Tokens deposited per first attempt. Default 0.2 (retries ≤ ~20 % of traffic). */
  ratio: number;
  /** Bucket size, also the initial allowance. Default 10. */
  maxTokens: number;
  /** Idle buckets are forgotten after this long (ms). Default 10 min. */
  idleMs: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetOptions = { ratio: 0.2, maxTokens: 10, idleMs: 600_000 };

export class RetryBudget {
  private readonly opts: RetryBudgetOptions;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: Clock, options: Partial<RetryBudgetOptions> = {}) {
    this.opts = { ...DEFAULT_RETRY_BUDGET, ...options };
  }

  private bucket(deploymentId: string): { tokens: number; at: number } {
    const now = this.clock.now();
    let b = this.buckets.get(deploymentId);
    if (!b || now - b.at > this.opts.idleMs) {
      b = { tokens: this.opts.maxTokens, at: now };
      this.buckets.set(deploymentId, b);
    }
    b.at = now;
    return b;
  }

  /** A fresh attempt (first attempt or fallback) was sent to the deployment. */
  recordFirstAttempt(deploymentId: string): void {
    const b = this.bucket(deploymentId);
    b.tokens = Math.min(this.opts.maxTokens, b.tokens + this.opts.ratio);
  }

  /** Takes one retry token; false when the deployment's budget is spent (send no retry there). */
  tryRetry(deploymentId: string): boolean {
    const b = this.bucket(deploymentId);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
