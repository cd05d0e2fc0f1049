/**
 * Single-node RateLimiter: GCRA buckets (rate-limit-bucket.ts) per scope and dimension. Node
 * runs one callback at a time, so evaluate-all-then-charge-all inside one synchronous call is
 * atomic — the same two phases the Redis Lua script runs inside one EVAL. The async methods
 * and the `sync` twin are the same functions.
 */
import type { Clock } from '../../core/ports.js';
import { HubError } from '../../core/errors.js';
import { adjustedDebt, evaluateBucket, MAX_RATE_UNITS, msUntilEmpty, type BucketState, type BucketVerdict } from './rate-limit-bucket.js';
import type {
  RateLimitDecision,
  RateLimitDimension,
  RateLimiter,
  RateLimiterSync,
  RateLimitRequest,
  RateLimitRule,
  RateLimitScope,
  RateLimitStatus,
} from './rate-limit.js';

export interface MemoryRateLimiterOptions {
  clock: Clock;
  /** How often idle buckets are swept (ms); default 60 000. */
  sweepIntervalMs?: number;
}

export interface MemoryRateLimiter extends RateLimiter {
  readonly sync: RateLimiterSync;
  /** Number of buckets held (tests and metrics). */
  size(): number;
  /** Forgets every fully refilled bucket now; returns how many were removed. */
  sweep(): number;
}

interface StoredBucket extends BucketState {
  /** When the bucket will be empty again — it can be forgotten from then on. */
  idleAt: number;
}

/** The buckets of one scope (absent = empty). */
interface ScopeBuckets {
  requests: StoredBucket | undefined;
  tokens: StoredBucket | undefined;
}

interface BucketCheck {
  scope: RateLimitScope;
  dimension: RateLimitDimension;
  limit: number;
  cost: number;
}

function isUnits(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= MAX_RATE_UNITS;
}

function requireUnits(value: number, what: () => string): number {
  if (!isUnits(value)) {
    throw new HubError('internal_error', `rate limiter: ${what()} must be an integer between 0 and ${MAX_RATE_UNITS}, got ${value}`);
  }
  return value;
}

/** Adds a check, or lowers the limit of the same (scope, dimension) listed earlier. */
function addCheck(checks: BucketCheck[], rule: RateLimitRule, dimension: RateLimitDimension, limit: number | undefined, cost: number): void {
  if (limit === undefined) return;
  requireUnits(limit, () => `${dimension} limit of ${rule.scope}`);
  for (const existing of checks) {
    if (existing.scope === rule.scope && existing.dimension === dimension) {
      if (limit < existing.limit) existing.limit = limit;
      return;
    }
  }
  checks.push({ scope: rule.scope, dimension, limit, cost });
}

/** One check per (scope, dimension), in order of first mention; a scope listed twice keeps its lower limit. */
function bucketChecks(request: RateLimitRequest): BucketCheck[] {
  const tokens = requireUnits(request.tokens, () => 'tokens');
  const requests = requireUnits(request.requests ?? 1, () => 'requests');
  const checks: BucketCheck[] = [];
  for (const rule of request.rules) {
    addCheck(checks, rule, 'requests', rule.rpm, requests);
    addCheck(checks, rule, 'tokens', rule.tpm, tokens);
  }
  return checks;
}

/** The tightest bucket per dimension (least remaining, then latest reset). */
function tightest(checks: readonly BucketCheck[], verdicts: readonly BucketVerdict[], dimension: RateLimitDimension): RateLimitStatus | undefined {
  let best: BucketCheck | undefined;
  let bestVerdict: BucketVerdict | undefined;
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i] as BucketCheck;
    const verdict = verdicts[i] as BucketVerdict;
    if (check.dimension !== dimension) continue;
    if (bestVerdict === undefined || verdict.remaining < bestVerdict.remaining || (verdict.remaining === bestVerdict.remaining && verdict.resetMs > bestVerdict.resetMs)) {
      best = check;
      bestVerdict = verdict;
    }
  }
  if (best === undefined || bestVerdict === undefined) return undefined;
  return { scope: best.scope, limit: best.limit, remaining: bestVerdict.remaining, resetMs: bestVerdict.resetMs };
}

export function createMemoryRateLimiter(options: MemoryRateLimiterOptions): MemoryRateLimiter {
  const { clock } = options;
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const scopes = new Map<RateLimitScope, ScopeBuckets>();
  let bucketCount = 0;
  let lastSweep = clock.now();

  function sweep(): number {
    const now = clock.now();
    lastSweep = now;
    let removed = 0;
    for (const [scope, entry] of scopes) {
      if (entry.requests !== undefined && entry.requests.idleAt <= now) {
        entry.requests = undefined;
        removed += 1;
      }
      if (entry.tokens !== undefined && entry.tokens.idleAt <= now) {
        entry.tokens = undefined;
        removed += 1;
      }
      if (entry.requests === undefined && entry.tokens === undefined) scopes.delete(scope);
    }
    bucketCount -= removed;
    return removed;
  }

  function bucketOf(scope: RateLimitScope, dimension: RateLimitDimension): StoredBucket | undefined {
    return scopes.get(scope)?.[dimension];
  }

  /** Writes a bucket's new debt; an empty bucket is forgotten. */
  function store(scope: RateLimitScope, dimension: RateLimitDimension, debt: number, limit: number, now: number): void {
    let entry = scopes.get(scope);
    const bucket = entry?.[dimension];
    if (debt === 0) {
      if (entry === undefined || bucket === undefined) return;
      entry[dimension] = undefined;
      bucketCount -= 1;
      if (entry.requests === undefined && entry.tokens === undefined) scopes.delete(scope);
      return;
    }
    const idleAt = now + msUntilEmpty(debt, limit);
    if (bucket !== undefined) {
      bucket.debt = debt;
      bucket.at = now;
      bucket.idleAt = idleAt;
      return;
    }
    if (entry === undefined) {
      entry = { requests: undefined, tokens: undefined };
      scopes.set(scope, entry);
    }
    entry[dimension] = { debt, at: now, idleAt };
    bucketCount += 1;
  }

  function decide(request: RateLimitRequest, charge: boolean): RateLimitDecision {
    const now = clock.now();
    if (now - lastSweep >= sweepIntervalMs) sweep();
    const checks = bucketChecks(request);
    // Phase 1: evaluate every bucket; nothing is written yet. Of the rejecting buckets, the
    // one that frees up last (the first of equals) is reported.
    const verdicts: BucketVerdict[] = [];
    let rejected = -1;
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i] as BucketCheck;
      const v = evaluateBucket(bucketOf(c.scope, c.dimension), c.limit, c.cost, now);
      verdicts.push(v);
      if (!v.ok && (rejected < 0 || v.retryAfterMs > (verdicts[rejected] as BucketVerdict).retryAfterMs)) rejected = i;
    }
    const requests = tightest(checks, verdicts, 'requests');
    const tokens = tightest(checks, verdicts, 'tokens');
    if (rejected >= 0) {
      const c = checks[rejected] as BucketCheck;
      const v = verdicts[rejected] as BucketVerdict;
      return {
        allowed: false,
        scope: c.scope,
        dimension: c.dimension,
        limit: c.limit,
        remaining: v.remaining,
        retryAfterMs: v.retryAfterMs,
        resetMs: v.resetMs,
        ...(requests && { requests }),
        ...(tokens && { tokens }),
      };
    }
    // Phase 2: every bucket admitted — charge them all.
    if (charge) {
      for (let i = 0; i < checks.length; i++) {
        const c = checks[i] as BucketCheck;
        store(c.scope, c.dimension, (verdicts[i] as BucketVerdict).debt, c.limit, now);
      }
    }
    const decision: RateLimitDecision = { allowed: true };
    if (requests) decision.requests = requests;
    if (tokens) decision.tokens = tokens;
    return decision;
  }

  function adjustTokens(rules: readonly RateLimitRule[], delta: number): void {
    if (!Number.isSafeInteger(delta) || Math.abs(delta) > MAX_RATE_UNITS) {
      throw new HubError('internal_error', `rate limiter: token delta must be an integer within ±${MAX_RATE_UNITS}, got ${delta}`);
    }
    const now = clock.now();
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as RateLimitRule;
      if (rule.tpm === undefined || listedBefore(rules, i)) continue;
      store(rule.scope, 'tokens', adjustedDebt(bucketOf(rule.scope, 'tokens'), rule.tpm, delta, now), rule.tpm, now);
    }
  }

  const sync: RateLimiterSync = {
    check: (request) => decide(request, false),
    consume: (request) => decide(request, true),
    adjustTokens,
  };
  return {
    check: async (request) => decide(request, false),
    consume: async (request) => decide(request, true),
    adjustTokens: async (rules, delta) => adjustTokens(rules, delta),
    sync,
    size: () => bucketCount,
    sweep,
  };
}

/** True when an earlier rule with a TPM limit has the same scope (the first one is applied). */
function listedBefore(rules: readonly RateLimitRule[], index: number): boolean {
  const scope = (rules[index] as RateLimitRule).scope;
  for (let j = 0; j < index; j++) {
    const earlier = rules[j] as RateLimitRule;
    if (earlier.tpm !== undefined && earlier.scope === scope) return true;
  }
  return false;
}
