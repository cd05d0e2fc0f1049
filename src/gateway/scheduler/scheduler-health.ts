/**
 * Health of one deployment, learned from the attempts the pipeline reports: load (in flight and
 * recent dispatch rate), peak-EWMA latency and TTFT, a time-decayed error rate, the breaker,
 * Retry-After throttling, first-byte stall detection and operator overrides.
 */
import type { AttemptFeedback, DeploymentHealth, OperatorOverride } from '../../core/scheduling.js';
import { CircuitBreaker, type Outcome } from './scheduler-breaker.js';
import type { SchedulerConfig } from './scheduler-config.js';
import { OutcomeWindow } from './scheduler-outcome-window.js';
import { decay } from './scheduler-stats.js';

/** Finagle-style peak EWMA: jumps to a higher sample at once, decays towards lower ones. */
export class PeakEwma {
  value: number | undefined;
  private at = 0;

  observe(sample: number, now: number, tauMs: number): void {
    if (this.value === undefined || sample > this.value) {
      this.value = sample;
    } else {
      const w = decay(now - this.at, tauMs);
      this.value = this.value * w + sample * (1 - w);
    }
    this.at = now;
  }

  /** Current estimate; while idle it relaxes towards `rest` so a recovered deployment gets traffic back. */
  read(now: number, tauMs: number, rest: number | undefined): number | undefined {
    if (this.value === undefined || rest === undefined || this.value <= rest) return this.value;
    return rest + (this.value - rest) * decay(now - this.at, tauMs);
  }
}

/** Plain time-decayed EWMA (used as the slow baseline). */
class Ewma {
  value: number | undefined;
  private at = 0;

  observe(sample: number, now: number, tauMs: number): void {
    if (this.value === undefined) this.value = sample;
    else {
      const w = decay(now - this.at, tauMs);
      this.value = this.value * w + sample * (1 - w);
    }
    this.at = now;
  }
}

/** Scoring inputs `readSpeed` fills. */
export interface SpeedSignals {
  latency: number | undefined;
  slowness: number;
}

interface PendingAttempt {
  startedAt: number;
  probe: number;
  /** Its first byte was overdue: already counted as a breaker failure (a first-byte timeout). */
  stallCounted: boolean;
  /** Still without a first byte after being counted. */
  overdue: boolean;
}

export class DeploymentHealthRecord {
  inflight = 0;
  throttledUntil = 0;
  override: OperatorOverride | undefined;
  samples = 0;
  readonly breaker: CircuitBreaker;
  readonly latency = new PeakEwma();
  readonly ttft = new PeakEwma();
  readonly latencyBaseline = new Ewma();
  readonly ttftBaseline = new Ewma();
  readonly window: OutcomeWindow;
  private readonly pending = new Map<string, PendingAttempt>();
  /** Attempts still waiting for their first byte, oldest first (insertion order). */
  private readonly awaitingFirstByte = new Map<string, number>();
  private overdueCount = 0;
  /** First-byte signals seen: stall detection engages only for a caller that reports them. */
  private firstBytesSeen = false;
  private readonly anonymous: string[] = [];
  private anonymousSeq = 0;
  /** Dispatch times, oldest first, from `dispatchHead` on (the head is trimmed in batches). */
  private readonly dispatchTimes: number[] = [];
  private dispatchHead = 0;
  private errFailures = 0;
  private errTotal = 0;
  private errAt = 0;

  constructor(
    readonly id: string,
    private readonly cfg: SchedulerConfig,
  ) {
    this.breaker = new CircuitBreaker(cfg.breaker, () => {
      this.errFailures = 0;
      this.errTotal = 0;
    });
    this.window = new OutcomeWindow(Math.max(...cfg.gray.windowsMs));
  }

  started(now: number, attemptId: string | undefined): void {
    const key = attemptId ?? this.anonymousKey();
    const probe = this.breaker.dispatched(now);
    this.pending.set(key, { startedAt: now, probe, stallCounted: false, overdue: false });
    this.awaitingFirstByte.set(key, now);
    this.inflight++;
    this.dispatchTimes.push(now);
    // Bounded also for a deployment whose rate nobody reads (no rpm limit).
    if (this.dispatchTimes.length >= 1024) this.recentDispatches(now);
  }

  firstByte(now: number, attemptId: string | undefined): void {
    this.firstBytesSeen = true;
    const key = attemptId ?? this.oldestAnonymousAwaiting();
    if (key === undefined) return;
    this.awaitingFirstByte.delete(key);
    const attempt = this.pending.get(key);
    if (!attempt) return;
    if (attempt.overdue) {
      attempt.overdue = false;
      this.overdueCount--;
    } else if (!attempt.stallCounted && now - attempt.startedAt > this.stallThresholdMs()) {
      this.countStall(now, attempt);
    }
  }

  /**
   * Attempts whose first byte is overdue (older than the stall threshold) count as breaker
   * failures now, as a first-byte timeout would, rather than when they finally fail.
   */
  detectStalls(now: number): void {
    if (!this.firstBytesSeen || this.awaitingFirstByte.size === 0) return;
    const threshold = this.stallThresholdMs();
    for (const [key, startedAt] of this.awaitingFirstByte) {
      if (now - startedAt <= threshold) break;
      this.awaitingFirstByte.delete(key);
      const attempt = this.pending.get(key);
      if (!attempt) continue;
      attempt.overdue = true;
      this.overdueCount++;
      this.countStall(now, attempt);
    }
  }

  private countStall(now: number, attempt: PendingAttempt): void {
    attempt.stallCounted = true;
    this.breaker.record(now, 'failure', attempt.probe);
  }

  finished(now: number, fb: AttemptFeedback): void {
    const key = fb.attemptId ?? this.anonymous.shift();
    const attempt = key === undefined ? undefined : this.pending.get(key);
    if (key !== undefined) {
      this.pending.delete(key);
      this.awaitingFirstByte.delete(key);
    }
    if (attempt?.overdue) this.overdueCount--;
    if (attempt) this.inflight--;
    const outcome = classify(fb);
    if (!attempt?.stallCounted) this.breaker.record(now, outcome, attempt?.probe ?? 0);
    if (fb.result === 'throttled') {
      this.throttledUntil = Math.max(this.throttledUntil, fb.retryAfterMs ?? now + this.cfg.throttle.defaultRetryAfterMs);
    }
    if (outcome === 'neutral') return;
    this.samples++;
    const failed = outcome === 'failure';
    const w = decay(now - this.errAt, this.cfg.errors.tauMs);
    this.errFailures = this.errFailures * w + (failed ? 1 : 0);
    this.errTotal = this.errTotal * w + 1;
    this.errAt = now;
    // Latency and TTFT are learned from real answers only: a hang says nothing about speed
    // (the breaker and the error rate take it), and must not linger as a huge "latency".
    const { peakTauMs, baselineTauMs } = this.cfg.latency;
    if (!failed) {
      this.latency.observe(fb.latencyMs, now, peakTauMs);
      this.latencyBaseline.observe(fb.latencyMs, now, baselineTauMs);
    }
    if (fb.ttftMs !== undefined) {
      this.ttft.observe(fb.ttftMs, now, peakTauMs);
      if (!failed) this.ttftBaseline.observe(fb.ttftMs, now, baselineTauMs);
    }
    this.window.record(now, failed, failed ? undefined : fb.latencyMs);
  }

  /**
   * Time-decayed error rate: failures ÷ (attempts + prior), both decayed with τ; while no
   * outcome arrives it fades by the same τ, so an idle deployment is not judged forever by the
   * failures it had when it was left alone.
   */
  errorRate(now: number): number {
    const w = decay(now - this.errAt, this.cfg.errors.tauMs);
    return ((this.errFailures * w) / (this.errTotal * w + this.cfg.errors.priorAttempts)) * w;
  }

  /** Age of the oldest attempt still waiting for a first byte (0 when none or not reported). */
  oldestWaitMs(now: number): number {
    if (!this.firstBytesSeen) return 0;
    for (const startedAt of this.awaitingFirstByte.values()) return now - startedAt;
    return 0;
  }

  stallThresholdMs(): number {
    const { factor, minMs, maxMs } = this.cfg.stall;
    const base = this.ttftBaseline.value;
    return base === undefined ? maxMs : Math.min(maxMs, Math.max(minMs, factor * base));
  }

  /** Some attempt in flight has its first byte overdue. */
  stalled(now: number): boolean {
    this.detectStalls(now);
    return this.overdueCount > 0;
  }

  /** Dispatches within the rate window ending at `now`. */
  recentDispatches(now: number): number {
    const from = now - this.cfg.capacity.rateWindowMs;
    const times = this.dispatchTimes;
    let head = this.dispatchHead;
    while (head < times.length && (times[head] as number) <= from) head++;
    // Shift the array only once the expired head outweighs the live part (amortised O(1)).
    if (head > 64 && head * 2 > times.length) {
      times.splice(0, head);
      head = 0;
    }
    this.dispatchHead = head;
    return times.length - head;
  }

  /**
   * The speed signals of scoring, written to `into` (one read of the shared estimates):
   *  - `latency`: peak EWMA latency (TTFT for streams), raised by a first byte that is overdue;
   *  - `slowness`: current TTFT (a first byte overdue counts as one that arrived now) over the
   *    TTFT baseline; latency over its baseline when no TTFT is known. 1 = as usual.
   */
  readSpeed(now: number, stream: boolean, into: SpeedSignals): void {
    const { peakTauMs } = this.cfg.latency;
    const ttftBase = this.ttftBaseline.value;
    const ttft = this.ttft.read(now, peakTauMs, ttftBase);
    const overdue = Math.max(ttft ?? 0, this.oldestWaitMs(now));
    const base = this.latencyBaseline.value;
    const latency = stream ? undefined : this.latency.read(now, peakTauMs, base);
    if (stream) into.latency = ttft === undefined && overdue === 0 ? undefined : overdue;
    else into.latency = latency === undefined ? undefined : ttftBase !== undefined && overdue > ttftBase ? latency * (overdue / ttftBase) : latency;
    if (ttftBase !== undefined && ttftBase > 0) into.slowness = Math.max(1, overdue / ttftBase);
    else into.slowness = !stream && base !== undefined && latency !== undefined && base > 0 ? Math.max(1, latency / base) : 1;
  }

  snapshot(now: number): DeploymentHealth {
    const breaker = this.override === 'force-open' ? 'open' : this.breaker.current(now);
    const stalled = this.stalled(now);
    const errorRate = this.errorRate(now);
    const latencyMs = this.latency.read(now, this.cfg.latency.peakTauMs, this.latencyBaseline.value);
    const ttftMs = this.ttft.read(now, this.cfg.latency.peakTauMs, this.ttftBaseline.value);
    const reasons: string[] = [];
    if (this.override) reasons.push(this.override);
    if (breaker === 'open') reasons.push('breaker_open');
    if (breaker === 'half_open') reasons.push('half_open');
    if (this.throttledUntil > now) reasons.push('throttled');
    if (stalled) reasons.push('stalled');
    if (errorRate >= this.cfg.health.degradedErrorRate) reasons.push('errors');
    const base = this.latencyBaseline.value;
    if (latencyMs !== undefined && base !== undefined && latencyMs > this.cfg.health.degradedLatencyFactor * base) reasons.push('slow');
    const offline = breaker === 'open' || this.override === 'disable';
    const state = offline ? 'offline' : reasons.length > 0 ? 'degraded' : this.samples === 0 ? 'unknown' : 'healthy';
    return {
      deploymentId: this.id,
      state,
      breaker,
      ...(breaker === 'open' && this.breaker.openUntilMs() !== undefined ? { breakerOpenUntil: this.breaker.openUntilMs() } : {}),
      ...(this.throttledUntil > now ? { throttledUntil: this.throttledUntil } : {}),
      stalled,
      inflight: this.inflight,
      ...(latencyMs !== undefined ? { latencyMs: Math.round(latencyMs) } : {}),
      ...(ttftMs !== undefined ? { ttftMs: Math.round(ttftMs) } : {}),
      errorRate: Math.round(errorRate * 10_000) / 10_000,
      ...(this.override ? { override: this.override } : {}),
      reasons,
    };
  }

  private anonymousKey(): string {
    const key = `#${this.anonymousSeq++}`;
    this.anonymous.push(key);
    return key;
  }

  private oldestAnonymousAwaiting(): string | undefined {
    for (const key of this.anonymous) if (this.awaitingFirstByte.has(key)) return key;
    return undefined;
  }
}

function classify(fb: AttemptFeedback): Outcome {
  switch (fb.result) {
    case 'ok':
      return 'success';
    case 'error':
    case 'timeout':
      return 'failure';
    default:
      return 'neutral';
  }
}
