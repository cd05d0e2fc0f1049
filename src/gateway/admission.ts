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
 *
 * `admitRequest`, `budgetGate` and `reserveAttempt` return their result directly when the
 * limiter and ledger answer synchronously (their `sync` twins: in-process state), and a
 * promise otherwise; callers `await` either. Errors then throw where they would have
 * rejected. What admission derives from the catalog (normalised rules, budget scopes) is
 * computed once per catalog snapshot (catalogs are immutable).
 */
import type { Catalog } from '../core/catalog.js';
import type { Currency, Deployment, Principal } from '../core/domain.js';
import { HubError } from '../core/errors.js';
import type { BudgetGate } from '../core/scheduling.js';
import type { FxTable, Money } from './accounting/pricing-fx.js';
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
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitRequest,
  type RateLimitRule,
  type ReserveResult,
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
  deploymentRules: readonly RateLimitRule[];
}

export type AttemptAdmission = { ok: true; hold: AttemptHold } | { ok: false; error: HubError };

/** A value now, or later. */
export type MaybePromise<T> = T | Promise<T>;

function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

const NO_RULES: readonly RateLimitRule[] = Object.freeze([]);
const NO_SCOPES: readonly BudgetScope[] = Object.freeze([]);

/** What admission reads from one catalog snapshot, derived once. */
interface CatalogLimits {
  /** Stored rules with a limit, by scope, normalised to `{ scope, rpm?, tpm? }`. */
  stored: ReadonlyMap<string, RateLimitRule>;
  /** Some stored rule applies to a key, app or tenant (otherwise admitRequest has nothing to check). */
  hasRequestRules: boolean;
  /** Scopes that have at least one budget. */
  budgetScopes: ReadonlySet<string>;
  /** Rules of each deployment seen (its own limits, then its stored rule). */
  deploymentRules: WeakMap<Deployment, readonly RateLimitRule[]>;
}

const limitsByCatalog = new WeakMap<Catalog, CatalogLimits>();

function normalisedRule(scope: RateLimitRule['scope'], rpm: number | undefined, tpm: number | undefined): RateLimitRule | undefined {
  if (rpm === undefined && tpm === undefined) return undefined;
  return Object.freeze({ scope, ...(rpm !== undefined ? { rpm } : {}), ...(tpm !== undefined ? { tpm } : {}) });
}

function catalogLimits(catalog: Catalog): CatalogLimits {
  let limits = limitsByCatalog.get(catalog);
  if (limits === undefined) {
    const stored = new Map<string, RateLimitRule>();
    let hasRequestRules = false;
    for (const [scope, record] of catalog.rateLimits) {
      const normalised = normalisedRule(scope as RateLimitRule['scope'], record.rpm, record.tpm);
      if (normalised === undefined) continue;
      stored.set(scope, normalised);
      if (!scope.startsWith('deployment:')) hasRequestRules = true;
    }
    limits = { stored, hasRequestRules, budgetScopes: new Set(catalog.budgets.map((b) => b.scope)), deploymentRules: new WeakMap() };
    limitsByCatalog.set(catalog, limits);
  }
  return limits;
}

function requestRules(limits: CatalogLimits, principal: Principal): readonly RateLimitRule[] {
  if (!limits.hasRequestRules) return NO_RULES;
  const rules: RateLimitRule[] = [];
  for (const scope of [rateLimitScope('key', principal.keyId), rateLimitScope('app', principal.appId), rateLimitScope('tenant', principal.tenantId)]) {
    const rule = limits.stored.get(scope);
    if (rule !== undefined) rules.push(rule);
  }
  return rules;
}

function deploymentRules(limits: CatalogLimits, d: Deployment): readonly RateLimitRule[] {
  let rules = limits.deploymentRules.get(d);
  if (rules === undefined) {
    const scope = rateLimitScope('deployment', d.id);
    const own = normalisedRule(scope, d.limits.rpm, d.limits.tpm);
    const stored = limits.stored.get(scope);
    rules = Object.freeze([...(own ? [own] : []), ...(stored ? [stored] : [])]);
    limits.deploymentRules.set(d, rules);
  }
  return rules;
}

function consume(limiter: RateLimiter, request: RateLimitRequest): MaybePromise<RateLimitDecision> {
  return limiter.sync ? limiter.sync.consume(request) : limiter.consume(request);
}

function adjustTokens(limiter: RateLimiter, rules: readonly RateLimitRule[], delta: number): MaybePromise<void> {
  return limiter.sync ? limiter.sync.adjustTokens(rules, delta) : limiter.adjustTokens(rules, delta);
}

/** Runs bookkeeping that must never throw: synchronous errors and rejections are dropped. */
function quietly(work: () => unknown): void {
  try {
    const result = work();
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    // Settlement errors leave the reservation to expire (contract 4 of the ledger).
  }
}

export class RequestAdmission {
  private readonly scopes: readonly BudgetScope[];
  private readonly hasBudgets: boolean;

  private constructor(
    private readonly deps: AdmissionDeps,
    private readonly limits: CatalogLimits,
    private readonly requestId: string,
    /** Token estimate charged against TPM at admission. */
    private readonly tokenEstimate: number,
    private readonly requestRules: readonly RateLimitRule[],
    /** x-ratelimit-* headers of the admission decision. */
    readonly headers: Record<string, string>,
    principal: Principal,
  ) {
    const budgetScopes = limits.budgetScopes;
    this.scopes = budgetScopes.size === 0 ? NO_SCOPES : budgetScopesOf(principal);
    this.hasBudgets = this.scopes.some((scope) => budgetScopes.has(scope));
  }

  /** Rate limits of key, app and tenant; throws `rate_limited` (429) when one is exhausted. */
  static admitRequest(deps: AdmissionDeps, catalog: Catalog, principal: Principal, requestId: string, tokenEstimate: number): MaybePromise<RequestAdmission> {
    const limits = catalogLimits(catalog);
    const rules = requestRules(limits, principal);
    if (rules.length === 0) return new RequestAdmission(deps, limits, requestId, tokenEstimate, rules, {}, principal);
    return andThen(consume(deps.rateLimiter, { rules, tokens: tokenEstimate }), (decision) => {
      if (!decision.allowed) throw rateLimitedError(decision);
      return new RequestAdmission(deps, limits, requestId, tokenEstimate, rules, rateLimitHeaders(decision), principal);
    });
  }

  /** The scheduler's view of the budgets (filters deployments whose worst case doesn't fit). */
  budgetGate(): MaybePromise<BudgetGate | undefined> {
    if (!this.hasBudgets) return undefined;
    const { budgets, fx } = this.deps;
    if (budgets.sync) return createBudgetGate(budgets.sync.snapshot(this.scopes), fx);
    return budgets.snapshot(this.scopes).then((snapshot) => createBudgetGate(snapshot, fx));
  }

  /** Admits one attempt on `deployment`, or says why not (the caller tries the next one). */
  reserveAttempt(deployment: Deployment, inputUpperBound: number, requestedMaxTokens: number | undefined, attempt: number): MaybePromise<AttemptAdmission> {
    const dRules = deploymentRules(this.limits, deployment);
    if (dRules.length === 0) return this.reserveBudget(deployment, dRules, inputUpperBound, requestedMaxTokens, attempt);
    return andThen(consume(this.deps.rateLimiter, { rules: dRules, tokens: this.tokenEstimate }), (decision): MaybePromise<AttemptAdmission> => {
      if (!decision.allowed) {
        return { ok: false, error: new HubError('upstream_rate_limited', `Deployment ${deployment.id} is at its configured rate limit.`, { retryAfterMs: decision.retryAfterMs }) };
      }
      return this.reserveBudget(deployment, dRules, inputUpperBound, requestedMaxTokens, attempt);
    });
  }

  /** The budget part of `reserveAttempt`, after the deployment's rate limits admitted it. */
  private reserveBudget(
    deployment: Deployment,
    dRules: readonly RateLimitRule[],
    inputUpperBound: number,
    requestedMaxTokens: number | undefined,
    attempt: number,
  ): MaybePromise<AttemptAdmission> {
    if (!this.hasBudgets) return { ok: true, hold: { deploymentRules: dRules } };
    const maxOutput = requestedMaxTokens ?? deployment.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    const worst = worstCaseCostMicros(inputUpperBound, maxOutput, deployment.price);
    const worstCase: Money | undefined = worst === undefined || deployment.price === undefined ? undefined : { micros: worst, currency: deployment.price.currency };
    const { budgets, rateLimiter } = this.deps;
    const id = `${this.requestId}#${attempt}`;
    const reserved: MaybePromise<ReserveResult> = budgets.sync ? budgets.sync.reserve(id, this.scopes, worstCase) : budgets.reserve(id, this.scopes, worstCase);
    return andThen(reserved, (result): MaybePromise<AttemptAdmission> => {
      if (!result.ok) {
        const denied: AttemptAdmission = { ok: false, error: budgetDeniedError(result) };
        // Give back the deployment TPM this attempt was charged.
        return dRules.length > 0 ? andThen(adjustTokens(rateLimiter, dRules, -this.tokenEstimate), () => denied) : denied;
      }
      return {
        ok: true,
        hold: { reservation: result.reservation, deploymentRules: dRules, ...(requestedMaxTokens === undefined ? { maxTokens: maxOutput } : {}) },
      };
    });
  }

  /** Replaces the attempt's reservation with its actual cost. Never throws. */
  settleAttempt(hold: AttemptHold, costMicros: number, currency: Currency, actualTokens: number): void {
    const { budgets, rateLimiter } = this.deps;
    const reservation = hold.reservation;
    if (reservation) {
      quietly(() => {
        if (costMicros > 0) return budgets.sync ? budgets.sync.settle(reservation, { micros: costMicros, currency }) : budgets.settle(reservation, { micros: costMicros, currency });
        return budgets.sync ? budgets.sync.release(reservation) : budgets.release(reservation);
      });
    }
    if (hold.deploymentRules.length > 0) quietly(() => adjustTokens(rateLimiter, hold.deploymentRules, actualTokens - this.tokenEstimate));
  }

  /** Corrects the request-level TPM with the tokens actually used. Never throws. */
  finishRequest(actualTokens: number): void {
    if (this.requestRules.length === 0) return;
    quietly(() => adjustTokens(this.deps.rateLimiter, this.requestRules, actualTokens - this.tokenEstimate));
  }
}
