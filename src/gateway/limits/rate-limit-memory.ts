/**
 * Single-node RateLimiter: one Map of GCRA buckets (rate-limit-bucket.ts). Node runs one
 * callback at a time, so evaluate-all-then-charge-all inside one synchronous call is atomic —
 * the same two phases the Redis Lua script runs inside one EVAL.
 */
import type { Clock } from '../../core/ports.js';
import { HubError } from '../../core/errors.js';
import { adjustedDebt, evaluateBucket, MAX_RATE_UNITS, msUntilEmpty, type BucketState, type BucketVerdict } from './rate-limit-bucket.js';
import type {
  RateLimitDecision,
  RateLimitDimension,
  RateLimiter,
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
  /** Number of buckets held (tests and metrics). */
  size(): number;
  /** Forgets every fully refilled bucket now; returns how many were removed. */
  sweep(): number;
}

interface StoredBucket extends BucketState {
  /** When the bucket will be empty again — it can be forgotten from then on. */
  idleAt: number;
}

interface BucketCheck {
  key: string;
  scope: RateLimitScope;
  dimension: RateLimitDimension;
  limit: number;
  cost: number;
}

function requireUnits(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_RATE_UNITS) {
    throw new HubError('internal_error', `rate limiter: ${what} must be an integer between 0 and ${MAX_RATE_UNITS}, got ${value}`);
  }
  return value;
}

/** One check per (scope, dimension); a scope listed twice keeps its lower limit. */
function bucketChecks(request: RateLimitRequest): BucketCheck[] {
  const tokens = requireUnits(request.tokens, 'tokens');
  const requests = requireUnits(request.requests ?? 1, 'requests');
  const checks = new Map<string, BucketCheck>();
  const add = (rule: RateLimitRule, dimension: RateLimitDimension, limit: number | undefined, cost: number) => {
    if (limit === undefined) return;
    requireUnits(limit, `${dimension} limit of ${rule.scope}`);
    const key = `${rule.scope}|${dimension}`;
    const existing = checks.get(key);
    if (existing === undefined || limit < existing.limit) checks.set(key, { key, scope: rule.scope, dimension, limit, cost });
  };
  for (const rule of request.rules) {
    add(rule, 'requests', rule.rpm, requests);
    add(rule, 'tokens', rule.tpm, tokens);
  }
  return [...checks.values()];
}

/** The tightest bucket per dimension (least remaining, then latest reset). */
function tightest(checks: BucketCheck[], verdicts: BucketVerdict[], dimension: RateLimitDimension): RateLimitStatus | undefined {
  let best: RateLimitStatus | undefined;
  checks.forEach((check, i) => {
    const verdict = verdicts[i];
    if (check.dimension !== dimension || verdict === undefined) return;
    const status: RateLimitStatus = { scope: check.scope, limit: check.limit, remaining: verdict.remaining, resetMs: verdict.resetMs };
    if (best === undefined || status.remaining < best.remaining || (status.remaining === best.remaining && status.resetMs > best.resetMs)) best = status;
  });
  return best;
}

export function createMemoryRateLimiter(options: MemoryRateLimiterOptions): MemoryRateLimiter {
  const { clock } = options;
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const buckets = new Map<string, StoredBucket>();
  let lastSweep = clock.now();

  function sweep(): number {
    const now = clock.now();
    lastSweep = now;
    let removed = 0;
    for (const [key, bucket] of buckets) {
      if (bucket.idleAt <= now) {
        buckets.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  function store(key: string, debt: number, limit: number, now: number): void {
    if (debt === 0) buckets.delete(key);
    else buckets.set(key, { debt, at: now, idleAt: now + msUntilEmpty(debt, limit) });
  }

  function decide(request: RateLimitRequest, charge: boolean): RateLimitDecision {
    const now = clock.now();
    if (now - lastSweep >= sweepIntervalMs) sweep();
    const checks = bucketChecks(request);
    // Phase 1: evaluate every bucket; nothing is written yet.
    const verdicts = checks.map((c) => evaluateBucket(buckets.get(c.key), c.limit, c.cost, now));
    let rejected: number | undefined;
    verdicts.forEach((v, i) => {
      if (!v.ok && (rejected === undefined || v.retryAfterMs > (verdicts[rejected]?.retryAfterMs ?? 0))) rejected = i;
    });
    const requests = tightest(checks, verdicts, 'requests');
    const tokens = tightest(checks, verdicts, 'tokens');
    const rejectedCheck = rejected === undefined ? undefined : checks[rejected];
    const rejectedVerdict = rejected === undefined ? undefined : verdicts[rejected];
    if (rejectedCheck !== undefined && rejectedVerdict !== undefined) {
      return {
        allowed: false,
        scope: rejectedCheck.scope,
        dimension: rejectedCheck.dimension,
        limit: rejectedCheck.limit,
        remaining: rejectedVerdict.remaining,
        retryAfterMs: rejectedVerdict.retryAfterMs,
        resetMs: rejectedVerdict.resetMs,
        ...(requests && { requests }),
        ...(tokens && { tokens }),
      };
    }
    // Phase 2: every bucket admitted — charge them all.
    if (charge) checks.forEach((c, i) => store(c.key, verdicts[i]?.debt ?? 0, c.limit, now));
    return { allowed: true, ...(requests && { requests }), ...(tokens && { tokens }) };
  }

  return {
    check: async (request) => decide(request, false),
    consume: async (request) => decide(request, true),
    async adjustTokens(rules, delta) {
      if (!Number.isSafeInteger(delta) || Math.abs(delta) > MAX_RATE_UNITS) {
        throw new HubError('internal_error', `rate limiter: token delta must be an integer within ±${MAX_RATE_UNITS}, got ${delta}`);
      }
      const now = clock.now();
      const seen = new Set<string>();
      for (const rule of rules) {
        const key = `${rule.scope}|tokens`;
        if (rule.tpm === undefined || seen.has(key)) continue;
        seen.add(key);
        store(key, adjustedDebt(buckets.get(key), rule.tpm, delta, now), rule.tpm, now);
      }
    },
    size: () => buckets.size,
    sweep,
  };
}
