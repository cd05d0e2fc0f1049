/** Per-second outcome counts over a sliding span, for gray-release comparisons. */

interface Bucket {
  start: number;
  attempts: number;
  failures: number;
  /** Successful latencies: count, Σ ln(ms), Σ ln(ms)². */
  latN: number;
  logSum: number;
  logSq: number;
}

export interface WindowStats {
  attempts: number;
  failures: number;
  latN: number;
  logSum: number;
  logSq: number;
}

export class OutcomeWindow {
  private readonly buckets: Bucket[] = [];

  constructor(
    private readonly spanMs: number,
    private readonly bucketMs = 1_000,
  ) {}

  record(now: number, failed: boolean, latencyMs: number | undefined): void {
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    let last = this.buckets[this.buckets.length - 1];
    if (!last || last.start !== start) {
      last = { start, attempts: 0, failures: 0, latN: 0, logSum: 0, logSq: 0 };
      this.buckets.push(last);
      while (now - (this.buckets[0] as Bucket).start >= this.spanMs + this.bucketMs) this.buckets.shift();
    }
    last.attempts++;
    if (failed) last.failures++;
    if (latencyMs !== undefined && latencyMs > 0) {
      const l = Math.log(latencyMs);
      last.latN++;
      last.logSum += l;
      last.logSq += l * l;
    }
  }

  /** Totals of the buckets that started within `windowMs` before `now`. */
  stats(now: number, windowMs: number): WindowStats {
    const out: WindowStats = { attempts: 0, failures: 0, latN: 0, logSum: 0, logSq: 0 };
    for (let i = this.buckets.length - 1; i >= 0; i--) {
      const b = this.buckets[i] as Bucket;
      if (now - b.start >= windowMs) break;
      out.attempts += b.attempts;
      out.failures += b.failures;
      out.latN += b.latN;
      out.logSum += b.logSum;
      out.logSq += b.logSq;
    }
    return out;
  }
}

export function addStats(a: WindowStats, b: WindowStats): WindowStats {
  return {
    attempts: a.attempts + b.attempts,
    failures: a.failures + b.failures,
    latN: a.latN + b.latN,
    logSum: a.logSum + b.logSum,
    logSq: a.logSq + b.logSq,
  };
}
