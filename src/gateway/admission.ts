/**
 * Admission: rate limits and budget reservations around the attempt loop (issue 3 §4–§5).
 *
 *  1. `admitRequest` — RPM/TPM of key, app and tenant, all-or-nothing, on a token estimate.
 *  2. `reserveAttempt` — for EVERY attempt target: the deployment's own RPM/TPM and an atomic
 *     budget reservation of the worst case (prompt upper bound + effective max output at the
 *     deployment's price) across tenant, app, key and end-user budgets. A fallback to a paid
 *     model is admitted only if the budget allows it.
 *  3. `settleAttempt` — the actual cost replaces the reservation (or it is released).
 *  4. `finishRequest` — TPM charged on the estimate is corrected with the actual tokens.
 */
import type { Catalog } from '../core/catalog.js';
import type { Currency, Deployment, Principal } from '../core/domain.js';
import { HubError } from '../core/errors.js';
import type { BudgetGate } from '../core/scheduling.js';
import type { FxTable } from './accounting/pricing-fx.js';
import { worstCaseCostMicros } from './accounting/pricing.js';
import {
  budgetDeniedError,
  budgetScopesOf,
  createBudgetGate,
  rateLimitedError,
  rateLimitHeaders,
  rateLimitScope,
  type BudgetLedger,
  type BudgetReservation,
  type BudgetScope,
  type RateLimiter,
  type RateLimitRule,
} from './limits/index.js';

/** Max output assumed for the worst case when neither the request nor the deployment sets one. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4_096;

export interface AdmissionDeps {
  rateLimiter: RateLimiter;
  budgets: BudgetLedger;
  fx: FxTable;
}

/** What one attempt holds: its budget reservation and the max tokens to send upstream. */
export interface AttemptHold {
  reservation?: BudgetReservation;
  /** Set when a budget applies and the client gave no max tokens: the upstream must be capped. */
  maxTokens?: number;
  deploymentRules: RateLimitRule[];
}

export type AttemptAdmission = { ok: true; hold: AttemptHold } | { ok: false; error: HubError };

function rule(catalog: Catalog, scope: RateLimitRule['scope']): RateLimitRule | undefined {
  const r = catalog.rateLimits.get(scope);
  if (!r || (r.rpm === undefined && r.tpm === undefined)) return undefined;
  return { scope, ...(r.rpm !== undefined ? { rpm: r.rpm } : {}), ...(r.tpm !== undefined ? { tpm: r.tpm } : {}) };
}

function deploymentRules(catalog: Catalog, d: Deployment): RateLimitRule[] {
  const scope = rateLimitScope('deployment', d.id);
  const rules: RateLimitRule[] = [];
  if (d.limits.rpm !== undefined || d.limits.tpm !== undefined) {
    rules.push({ scope, ...(d.limits.rpm !== undefined ? { rpm: d.limits.rpm } : {}), ...(d.limits.tpm !== undefined ? { tpm: d.limits.tpm } : {}) });
  }
  const stored = rule(catalog, scope);
  if (stored) rules.push(stored);
  return rules;
}

export class RequestAdmission {
  private readonly scopes: BudgetScope[];
  private readonly hasBudgets: boolean;

  constructor(
    private readonly deps: AdmissionDeps,
    private readonly catalog: Catalog,
    private readonly principal: Principal,
    private readonly requestId: string,
    /** Token estimate charged against TPM at admission. */
    private readonly tokenEstimate: number,
    private readonly requestRules: RateLimitRule[],
    /** x-ratelimit-* headers of the admission decision. */
    readonly headers: Record<string, string>,
  ) {
    this.scopes = budgetScopesOf(principal);
    const scopeSet = new Set<string>(this.scopes);
    this.hasBudgets = catalog.budgets.some((b) => scopeSet.has(b.scope));
  }

  /** Rate limits of key, app and tenant; throws `rate_limited` (429) when one is exhausted. */
  static async admitRequest(deps: AdmissionDeps, catalog: Catalog, principal: Principal, requestId: string, tokenEstimate: number): Promise<RequestAdmission> {
    const rules = [
      rule(catalog, rateLimitScope('key', principal.keyId)),
      rule(catalog, rateLimitScope('app', principal.appId)),
      rule(catalog, rateLimitScope('tenant', principal.tenantId)),
    ].filter((r): r is RateLimitRule => r !== undefined);
    let headers: Record<string, string> = {};
    if (rules.length > 0) {
      const decision = await deps.rateLimiter.consume({ rules, tokens: tokenEstimate });
      if (!decision.allowed) throw rateLimitedError(decision);
      headers = rateLimitHeaders(decision);
    }
    return new RequestAdmission(deps, catalog, principal, requestId, tokenEstimate, rules, headers);
  }

  /** The scheduler's view of the budgets (filters deployments whose worst case doesn't fit). */
  async budgetGate(): Promise<BudgetGate | undefined> {
    if (!this.hasBudgets) return undefined;
    return createBudgetGate(await this.deps.budgets.snapshot(this.scopes), this.deps.fx);
  }

  /** Admits one attempt on `deployment`, or says why not (the caller tries the next one). */
  async reserveAttempt(deployment: Deployment, inputUpperBound: number, requestedMaxTokens: number | undefined, attempt: number): Promise<AttemptAdmission> {
    const dRules = deploymentRules(this.catalog, deployment);
    if (dRules.length > 0) {
      const decision = await this.deps.rateLimiter.consume({ rules: dRules, tokens: this.tokenEstimate });
      if (!decision.allowed) {
        return { ok: false, error: new HubError('upstream_rate_limited', `Deployment ${deployment.id} is at its configured rate limit.`, { retryAfterMs: decision.retryAfterMs }) };
      }
    }
    if (!this.hasBudgets) return { ok: true, hold: { deploymentRules: dRules } };
    const maxOutput = requestedMaxTokens ?? deployment.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    const worst = worstCaseCostMicros(inputUpperBound, maxOutput, deployment.price);
    const result = await this.deps.budgets.reserve(
      `${this.requestId}#${attempt}`,
      this.scopes,
      worst === undefined || deployment.price === undefined ? undefined : { micros: worst, currency: deployment.price.currency },
    );
    if (!result.ok) {
      if (dRules.length > 0) await this.deps.rateLimiter.adjustTokens(dRules, -this.tokenEstimate);
      return { ok: false, error: budgetDeniedError(result) };
    }
    return {
      ok: true,
      hold: { reservation: result.reservation, deploymentRules: dRules, ...(requestedMaxTokens === undefined ? { maxTokens: maxOutput } : {}) },
    };
  }

  /** Replaces the attempt's reservation with its actual cost. Never throws. */
  settleAttempt(hold: AttemptHold, costMicros: number, currency: Currency, actualTokens: number): void {
    const work: Promise<unknown>[] = [];
    if (hold.reservation) {
      work.push(costMicros > 0 ? this.deps.budgets.settle(hold.reservation, { micros: costMicros, currency }) : this.deps.budgets.release(hold.reservation));
    }
    if (hold.deploymentRules.length > 0) work.push(this.deps.rateLimiter.adjustTokens(hold.deploymentRules, actualTokens - this.tokenEstimate));
    void Promise.all(work).catch(() => undefined);
  }

  /** Corrects the request-level TPM with the tokens actually used. Never throws. */
  finishRequest(actualTokens: number): void {
    if (this.requestRules.length === 0) return;
    void this.deps.rateLimiter.adjustTokens(this.requestRules, actualTokens - this.tokenEstimate).catch(() => undefined);
  }
}
