/**
 * Budgets and the BudgetLedger port (issue 3 §5; docs/budgets-and-limits.md).
 *
 * Reserve-then-settle: admission reserves the request's WORST-CASE cost in every budget that
 * applies, atomically; completion (success, failure or client abort) settles to the actual
 * cost and releases the rest. Hence invariant 1 of DESIGN.md §6: a hard budget is never
 * exceeded by the admission of concurrent requests.
 *
 * Contract, identical for every implementation (memory now; Redis Lua / PostgreSQL later; the
 * shared suite is test/limits/budget-ledger-contract.ts):
 *  1. `reserve` is ATOMIC and all-or-nothing across every budget of every scope given: for each
 *     applicable HARD budget, spent + reserved + worstCase ≤ limit (or worstCase = 0: a free
 *     request adds nothing), else nothing is reserved.
 *     DEGRADE budgets never reject: when the worst case does not fit, the reservation is still
 *     made and `degrade` lists them, so the scheduler picks a cheaper tier.
 *  2. A request on an unpriced deployment (`worstCase` undefined) is refused (`unpriced`)
 *     whenever at least one budget applies; with no budget it is admitted.
 *  3. `settle` adds the actual cost — even above the reservation (never lost) — and releases
 *     the reservation; `release` frees it with no cost. Each is effective once per
 *     reservation; repeats are ignored. A settle after the reservation expired still adds
 *     the cost.
 *  4. Reservations expire after a TTL (a dead process's reservations free themselves); expired
 *     ones are swept.
 *  5. Cost belongs to the budget period in which the request was ADMITTED (reserved), in the
 *     budget's currency (converted with the FX table: ceil for reservations, half-up for
 *     actual cost).
 *  6. Calendar periods roll over at local midnight of the budget's time zone.
 */
import type { Currency, Principal } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import type { FxTable, Money } from '../accounting/pricing-fx.js';
import type { BudgetPeriod } from './budget-period.js';

export type { BudgetPeriod } from './budget-period.js';

export type BudgetScopeKind = 'tenant' | 'app' | 'key' | 'end_user';

/**
 * A budget scope key: `tenant:<id>`, `app:<id>`, `key:<id>`, `end_user:<tenantId>/<tag>`
 * (end-user tags are free-form per tenant, so the tenant qualifies them).
 */
export type BudgetScope = `${BudgetScopeKind}:${string}`;

export type BudgetMode = 'hard' | 'degrade';

export const DEFAULT_ALERT_THRESHOLDS: readonly number[] = Object.freeze([50, 80, 100]);

export interface BudgetDefinition {
  /** Stable id (admin API object id). */
  id: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  /** Integer micro-units of `currency`. */
  limitMicros: number;
  currency: Currency;
  /** `hard`: reject with budget_exceeded. `degrade`: admit, but signal a cheaper tier. */
  mode: BudgetMode;
  /** Whole percentages of the limit at which an alert fires once per period; default 50/80/100. */
  alertThresholds?: readonly number[];
  /** IANA zone of calendar periods; default the ledger's (Asia/Shanghai). */
  timeZone?: string;
}

/** What one reservation holds in one budget (in the budget's currency). */
export interface BudgetHold {
  budgetId: string;
  /** Start of the budget period the request was admitted in. */
  periodStart: number;
  micros: number;
}

export interface BudgetReservation {
  /** Unique per reservation (a request may reserve once per attempt). */
  readonly id: string;
  readonly requestId: string;
  readonly scopes: readonly BudgetScope[];
  /** The worst case as given, in the price's currency. */
  readonly worstCase: Money | undefined;
  readonly holds: readonly BudgetHold[];
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** Current state of one budget in its current period (budget currency). */
export interface BudgetStatus {
  budgetId: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  periodStart: number;
  periodEnd: number;
  mode: BudgetMode;
  currency: Currency;
  limitMicros: number;
  spentMicros: number;
  reservedMicros: number;
}

export interface BudgetSnapshot {
  at: number;
  budgets: BudgetStatus[];
}

export interface ReserveOk {
  ok: true;
  reservation: BudgetReservation;
  /** Degrade budgets this worst case does not fit: the scheduler should use a cheaper tier. */
  degrade: BudgetStatus[];
}

export interface ReserveDenied {
  ok: false;
  /** `budget_exceeded`: a hard budget lacks room. `unpriced`: a budget applies but the price is unknown. */
  reason: 'budget_exceeded' | 'unpriced';
  budgetId: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  currency: Currency;
  limit: number;
  spent: number;
  reserved: number;
  /** The worst case converted to the budget's currency (0 when unpriced). */
  requested: number;
}

export type ReserveResult = ReserveOk | ReserveDenied;

export interface ReserveOptions {
  /** Lifetime of this reservation (ms); default the ledger's TTL (10 min). */
  ttlMs?: number;
}

export type SettleOutcome = 'settled' | 'late' | 'duplicate';

/** Spend already in the durable ledger for one (scope, period, currency), loaded at start. */
export interface SpendSeed {
  scope: BudgetScope;
  period: BudgetPeriod;
  /** Start of the period the spend belongs to (0 for `total`); other periods are ignored. */
  periodStart: number;
  spent: Money;
}

export interface BudgetLedger {
  /** Atomically reserves `worstCase` in every budget of `scopes`, or nothing (contract 1–2). */
  reserve(requestId: string, scopes: readonly BudgetScope[], worstCase: Money | undefined, options?: ReserveOptions): Promise<ReserveResult>;
  /** Adds the actual cost and releases the reservation (contract 3). */
  settle(reservation: BudgetReservation, actual: Money): Promise<SettleOutcome>;
  /** Releases the reservation with no cost; false when it was already settled, released or expired. */
  release(reservation: BudgetReservation): Promise<boolean>;
  /** Extends an active reservation to now + ttl (long streams); false when it is no longer active. */
  renew(reservation: BudgetReservation, ttlMs?: number): Promise<boolean>;
  /** 0..1: (spent + reserved) / limit of the tightest budget of `scopes`; 0 with no budget. */
  pressure(scopes: readonly BudgetScope[]): Promise<number>;
  /** Status of the budgets of `scopes` (every budget when omitted). */
  snapshot(scopes?: readonly BudgetScope[]): Promise<BudgetSnapshot>;
  /**
   * Adds spend already recorded in the durable ledger to every budget of `seed.scope` with the
   * same period whose current period starts at `seed.periodStart`. Call once per
   * (scope, period, currency) group at start, before serving. Thresholds already crossed are
   * marked as alerted without firing again. Returns how many budgets took the seed.
   */
  seedSpend(seed: SpendSeed): Promise<number>;
  /** Replaces the budget definitions (config reload). State of kept ids survives. */
  setBudgets(budgets: readonly BudgetDefinition[]): void;
  /** Replaces the FX table used to compare costs with budgets of another currency. */
  setFxTable(fx: FxTable): void;
  /** Releases every expired reservation now; returns how many. */
  sweepExpired(): Promise<number>;
  /**
   * Present only on ledgers whose state is in this process (memory): the request-path
   * operations answered synchronously, so admission spends no promise or microtask on them.
   * Implementations with remote state (Redis, PostgreSQL) leave it undefined.
   */
  readonly sync?: BudgetLedgerSync;
}

/**
 * The synchronous twin of a BudgetLedger's request-path operations: the same state, results
 * and contract as the async methods of the same name; errors are thrown, not rejected.
 */
export interface BudgetLedgerSync {
  reserve(requestId: string, scopes: readonly BudgetScope[], worstCase: Money | undefined, options?: ReserveOptions): ReserveResult;
  settle(reservation: BudgetReservation, actual: Money): SettleOutcome;
  release(reservation: BudgetReservation): boolean;
  snapshot(scopes?: readonly BudgetScope[]): BudgetSnapshot;
}

export function budgetScope(kind: BudgetScopeKind, id: string): BudgetScope {
  return `${kind}:${id}`;
}

/** Every budget scope a principal's request counts against, widest first. */
export function budgetScopesOf(principal: Pick<Principal, 'tenantId' | 'appId' | 'keyId' | 'endUser'>): BudgetScope[] {
  const scopes: BudgetScope[] = [`tenant:${principal.tenantId}`, `app:${principal.appId}`, `key:${principal.keyId}`];
  if (principal.endUser !== undefined && principal.endUser !== '') scopes.push(`end_user:${principal.tenantId}/${principal.endUser}`);
  return scopes;
}

function formatMicros(micros: number, currency: Currency): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, '0')} ${currency}`;
}

/** The client-facing error of a denial: `budget_exceeded` or `unpriced_model` (HTTP 402). */
export function budgetDeniedError(denial: ReserveDenied): HubError {
  if (denial.reason === 'unpriced') {
    return new HubError('unpriced_model', `budget ${denial.budgetId} (${denial.scope}) applies, but the selected model has no price; ask the operator to price it`);
  }
  const fmt = (m: number) => formatMicros(m, denial.currency);
  return new HubError(
    'budget_exceeded',
    `${denial.period} budget of ${denial.scope} would be exceeded: limit ${fmt(denial.limit)}, spent ${fmt(denial.spent)}, reserved ${fmt(denial.reserved)}, this request may cost up to ${fmt(denial.requested)}`,
  );
}
