/**
 * Sliding-window circuit breaker of one deployment.
 *
 * closed ──(failure ratio over the window with minimum volume, or N consecutive failures)──▶ open
 * open ──(open time elapsed)──▶ half_open: at most `halfOpenProbes` concurrent probes, each with
 * its own timeout. `successesToClose` successful probes close it; a failed or timed-out probe
 * re-opens it for `backoff` times longer (up to `maxOpenMs`). The open time starts over after
 * `resetAfterMs` without a trip. Throttling (429) and client errors are neutral.
 */
import type { BreakerState } from '../../core/scheduling.js';
import type { BreakerConfig } from './scheduler-config.js';

export type Outcome = 'success' | 'failure' | 'neutral';

interface Bucket {
  start: number;
  total: number;
  failures: number;
}

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private openUntil = 0;
  private level = 0;
  private lastTripAt = Number.NEGATIVE_INFINITY;
  private consecutive = 0;
  private readonly buckets: Bucket[] = [];
  private readonly probes = new Map<number, number>();
  private nextProbe = 1;
  private probeSuccesses = 0;
  /** How many times it tripped (for snapshots and tests). */
  trips = 0;

  /** `onClose` runs when successful probes close the breaker (the failures it opened for are settled). */
  constructor(
    private readonly cfg: BreakerConfig,
    private readonly onClose?: () => void,
  ) {}

  /** The state at `now` (open turns half-open lazily; a timed-out probe re-opens it). */
  current(now: number): BreakerState {
    if (this.state === 'open' && now >= this.openUntil) {
      this.state = 'half_open';
      this.probes.clear();
      this.probeSuccesses = 0;
    }
    if (this.state === 'half_open') {
      for (const startedAt of this.probes.values()) {
        if (now - startedAt >= this.cfg.probeTimeoutMs) {
          this.trip(now);
          break;
        }
      }
    }
    return this.state;
  }

  openUntilMs(): number | undefined {
    return this.state === 'open' ? this.openUntil : undefined;
  }

  /** May an attempt be dispatched now? (Half-open: only while a probe slot is free.) */
  admits(now: number): boolean {
    const s = this.current(now);
    return s === 'closed' || (s === 'half_open' && this.probes.size < this.cfg.halfOpenProbes);
  }

  /** Record a dispatch; returns a probe token when it is a half-open probe, else 0. */
  dispatched(now: number): number {
    if (this.current(now) !== 'half_open') return 0;
    const token = this.nextProbe++;
    this.probes.set(token, now);
    return token;
  }

  /** Record an outcome; `probe` is the token `dispatched` returned for that attempt. */
  record(now: number, outcome: Outcome, probe: number): void {
    const state = this.current(now);
    if (state === 'half_open') {
      if (probe === 0 || !this.probes.delete(probe) || outcome === 'neutral') return;
      if (outcome === 'failure') {
        this.trip(now);
      } else if (++this.probeSuccesses >= this.cfg.successesToClose) {
        this.close();
      }
      return;
    }
    if (state === 'open' || outcome === 'neutral') return;
    const bucket = this.bucketAt(now);
    bucket.total++;
    if (outcome === 'failure') {
      bucket.failures++;
      this.consecutive++;
    } else {
      this.consecutive = 0;
    }
    if (this.consecutive >= this.cfg.consecutiveFailures) {
      this.trip(now);
      return;
    }
    // Counts of the sliding window at `now`.
    let total = 0;
    let failures = 0;
    for (const b of this.buckets) {
      if (now - b.start < this.cfg.windowMs) {
        total += b.total;
        failures += b.failures;
      }
    }
    if (total >= this.cfg.minVolume && failures / total >= this.cfg.failureRatio) this.trip(now);
  }

  private bucketAt(now: number): Bucket {
    const width = this.cfg.windowMs / this.cfg.buckets;
    const start = Math.floor(now / width) * width;
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.start === start) return last;
    const bucket = { start, total: 0, failures: 0 };
    this.buckets.push(bucket);
    while (this.buckets.length > 0 && now - (this.buckets[0] as Bucket).start >= this.cfg.windowMs) this.buckets.shift();
    return bucket;
  }

  private trip(now: number): void {
    if (now - this.lastTripAt > this.cfg.resetAfterMs) this.level = 0;
    const openMs = Math.min(this.cfg.maxOpenMs, this.cfg.openMs * this.cfg.backoff ** this.level);
    this.level++;
    this.trips++;
    this.lastTripAt = now;
    this.state = 'open';
    this.openUntil = now + openMs;
    this.probes.clear();
    this.resetWindow();
  }

  private close(): void {
    this.state = 'closed';
    this.probes.clear();
    this.resetWindow();
    this.onClose?.();
  }

  private resetWindow(): void {
    this.buckets.length = 0;
    this.consecutive = 0;
    this.probeSuccesses = 0;
  }
}
