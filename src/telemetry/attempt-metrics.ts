/**
 * The metrics of one upstream attempt (one ledger row): attempts by result, attempt duration,
 * time to first token, tokens by kind, cost, unpriced attempts.
 *
 * Every attempt of a (deployment, tenant) pair writes the same few series, so they are
 * resolved once per pair and held; an attempt then costs a couple of Map lookups and a few
 * additions, with no label objects built. Series are created in the same order as plain
 * `inc`/`observe` calls would create them, so `/metrics` is unchanged.
 */
import type { Currency, UsageEvent, UsageStatus } from '../core/domain.js';
import type { CounterSeries } from './local-counter.js';
import type { HistogramSeries } from './local-histogram.js';
import type { HubMetrics } from './metrics.js';

/** (deployment, tenant) pairs held per recorder; beyond this, attempts take the plain path. */
export const MAX_ATTEMPT_PAIRS = 10_000;

/** The series one (deployment, tenant) pair writes; optional ones are created on first use. */
class PairSeries {
  readonly attempts = new Map<UsageStatus, CounterSeries>();
  readonly duration: HistogramSeries;
  ttft: HistogramSeries | undefined;
  readonly input: CounterSeries;
  readonly output: CounterSeries;
  readonly cached: CounterSeries;
  readonly cost = new Map<Currency, CounterSeries>();
  unpriced: CounterSeries | undefined;

  constructor(
    private readonly metrics: AttemptMetrics,
    readonly deployment: string,
    readonly tenant: string,
    firstStatus: UsageStatus,
  ) {
    // The order of a first plain recording: attempts, duration, tokens (input, output, cached).
    this.attemptsOf(firstStatus);
    this.duration = metrics.attemptDuration.series({ deployment });
    this.input = metrics.tokens.series({ deployment, tenant, kind: 'input' });
    this.output = metrics.tokens.series({ deployment, tenant, kind: 'output' });
    this.cached = metrics.tokens.series({ deployment, tenant, kind: 'cached' });
  }

  attemptsOf(status: UsageStatus): CounterSeries {
    let series = this.attempts.get(status);
    if (series === undefined) {
      series = this.metrics.attempts.series({ deployment: this.deployment, result: status });
      this.attempts.set(status, series);
    }
    return series;
  }

  ttftSeries(): HistogramSeries {
    this.ttft ??= this.metrics.timeToFirstToken.series({ deployment: this.deployment });
    return this.ttft;
  }

  costOf(currency: Currency): CounterSeries {
    let series = this.cost.get(currency);
    if (series === undefined) {
      series = this.metrics.costMicros.series({ deployment: this.deployment, tenant: this.tenant, currency });
      this.cost.set(currency, series);
    }
    return series;
  }

  unpricedSeries(): CounterSeries {
    this.unpriced ??= this.metrics.unpricedAttempts.series({ deployment: this.deployment });
    return this.unpriced;
  }
}

/** The metrics an attempt writes (a subset of HubMetrics). */
export type AttemptMetrics = Pick<HubMetrics, 'attempts' | 'attemptDuration' | 'timeToFirstToken' | 'tokens' | 'costMicros' | 'unpricedAttempts'>;

/** The same recording through the metrics' plain `inc`/`observe` (pairs beyond the cap). */
function recordPlain(metrics: AttemptMetrics, event: UsageEvent): void {
  const deployment = event.deploymentId;
  const tenant = event.tenantId;
  metrics.attempts.inc({ deployment, result: event.status });
  metrics.attemptDuration.observe({ deployment }, event.latencyMs / 1000);
  if (event.ttftMs !== undefined) metrics.timeToFirstToken.observe({ deployment }, event.ttftMs / 1000);
  metrics.tokens.inc({ deployment, tenant, kind: 'input' }, event.inputTokens);
  metrics.tokens.inc({ deployment, tenant, kind: 'output' }, event.outputTokens);
  metrics.tokens.inc({ deployment, tenant, kind: 'cached' }, event.cachedInputTokens);
  metrics.costMicros.inc({ deployment, tenant, currency: event.currency }, event.costMicros);
  if (event.unpriced) metrics.unpricedAttempts.inc({ deployment });
}

/** A function that records one attempt's ledger row in `metrics`, holding the series of each pair. */
export function createAttemptRecorder(metrics: AttemptMetrics): (event: UsageEvent) => void {
  /** deployment id → tenant id → series. */
  const pairs = new Map<string, Map<string, PairSeries>>();
  let pairCount = 0;

  const pairOf = (event: UsageEvent): PairSeries | undefined => {
    let byTenant = pairs.get(event.deploymentId);
    const found = byTenant?.get(event.tenantId);
    if (found !== undefined) return found;
    if (pairCount >= MAX_ATTEMPT_PAIRS) return undefined;
    if (byTenant === undefined) {
      byTenant = new Map();
      pairs.set(event.deploymentId, byTenant);
    }
    const created = new PairSeries(metrics, event.deploymentId, event.tenantId, event.status);
    byTenant.set(event.tenantId, created);
    pairCount += 1;
    return created;
  };

  return function recordAttempt(event: UsageEvent): void {
    const pair = pairOf(event);
    if (pair === undefined) return recordPlain(metrics, event);
    pair.attemptsOf(event.status).inc(1);
    pair.duration.observe(event.latencyMs / 1000);
    if (event.ttftMs !== undefined) pair.ttftSeries().observe(event.ttftMs / 1000);
    pair.input.inc(event.inputTokens);
    pair.output.inc(event.outputTokens);
    pair.cached.inc(event.cachedInputTokens);
    pair.costOf(event.currency).inc(event.costMicros);
    if (event.unpriced) pair.unpricedSeries().inc(1);
  };
}
