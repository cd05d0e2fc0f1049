/**
 * GCRA / token-bucket arithmetic in exact integers — the reference the Redis Lua script must
 * reproduce line by line.
 *
 * A bucket with limit L per window W (60 s) is stored as `{ debt, at }`:
 *  - `debt` is how full the bucket is, in units of cost × W (one request or one token adds W);
 *  - it drains at L units per millisecond, so one unit of cost drains in W / L ms;
 *  - capacity is L × W: a full burst of L is allowed, then L per W, continuously.
 * Scaling by W keeps every quantity an integer (no fractional emission intervals), and the
 * state does not depend on L, so a changed limit applies immediately.
 * With L ≤ 1e9 and costs ≤ 1e9 every value stays far below 2^53.
 */

export const RATE_WINDOW_MS = 60_000;
/** Largest limit or single cost accepted (keeps debt × W in the exact integer range). */
export const MAX_RATE_UNITS = 1_000_000_000;

export interface BucketState {
  debt: number;
  /** Epoch ms of the last write. */
  at: number;
}

export interface BucketVerdict {
  ok: boolean;
  /** Debt after admitting (ok) or the current debt (rejected). */
  debt: number;
  remaining: number;
  resetMs: number;
  /** 0 when ok. */
  retryAfterMs: number;
}

/** Debt left at `now` after draining since the last write. */
export function drainedDebt(state: BucketState | undefined, limit: number, now: number): number {
  if (state === undefined) return 0;
  const elapsed = Math.max(0, now - state.at);
  const drained = elapsed * limit;
  return drained >= state.debt ? 0 : state.debt - drained;
}

/** Milliseconds until `debt` has drained completely. */
export function msUntilEmpty(debt: number, limit: number): number {
  if (debt <= 0) return 0;
  return limit > 0 ? Math.ceil(debt / limit) : RATE_WINDOW_MS;
}

/**
 * May `cost` units pass a bucket of `limit` per window at `now`? A single cost larger than the
 * whole limit passes only when the bucket is empty (and is then carried as debt), so an
 * oversized request is delayed, never starved forever. A limit of 0 rejects any cost > 0.
 */
export function evaluateBucket(state: BucketState | undefined, limit: number, cost: number, now: number): BucketVerdict {
  const debt = drainedDebt(state, limit, now);
  const capacity = limit * RATE_WINDOW_MS;
  const need = cost * RATE_WINDOW_MS;
  if (cost === 0) return { ok: true, debt, remaining: remainingAt(capacity, debt), resetMs: msUntilEmpty(debt, limit), retryAfterMs: 0 };
  if (limit === 0) return { ok: false, debt, remaining: 0, resetMs: RATE_WINDOW_MS, retryAfterMs: RATE_WINDOW_MS };
  const fits = need > capacity ? debt === 0 : debt + need <= capacity;
  if (fits) {
    const after = debt + need;
    return { ok: true, debt: after, remaining: remainingAt(capacity, after), resetMs: msUntilEmpty(after, limit), retryAfterMs: 0 };
  }
  const excess = need > capacity ? debt : debt + need - capacity;
  return { ok: false, debt, remaining: remainingAt(capacity, debt), resetMs: msUntilEmpty(debt, limit), retryAfterMs: Math.ceil(excess / limit) };
}

/** Whole units left in a bucket of `capacity` holding `debt`. */
function remainingAt(capacity: number, debt: number): number {
  return Math.max(0, Math.floor((capacity - debt) / RATE_WINDOW_MS));
}

/** Debt after correcting by `delta` units (negative refunds never go below empty). */
export function adjustedDebt(state: BucketState | undefined, limit: number, delta: number, now: number): number {
  return Math.max(0, drainedDebt(state, limit, now) + delta * RATE_WINDOW_MS);
}
