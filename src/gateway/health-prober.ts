/**
 * Active, non-billable health checks (issue 4 §3). Every few seconds, deployments that need a
 * look get one cheap probe through their adapter's `probe` (e.g. `GET /models`), reported to the
 * scheduler like an attempt — never to the ledger:
 *  - a half-open breaker: the probe is what lets a recovered deployment close its breaker even
 *    when live traffic prefers a healthy alternative and never reaches it;
 *  - an idle deployment whose health is still unknown (nothing served yet), at most once per
 *    `idleProbeEveryMs`.
 * Probes do not teach latency: a model list answers far faster than a completion, so the
 * reported latency is the deployment's current estimate.
 */
import type { CatalogSource } from '../core/catalog.js';
import type { Deployment } from '../core/domain.js';
import type { Egress } from '../core/egress.js';
import { HubError, toHubError } from '../core/errors.js';
import type { Clock, Logger } from '../core/ports.js';
import type { ProviderAdapter } from '../core/provider.js';
import type { AttemptResult, Scheduler } from '../core/scheduling.js';
import { UpstreamTargets } from './upstream-target.js';

export interface HealthProberOptions {
  /** How often to look. Default 5 s. */
  intervalMs: number;
  /** A probe's own timeout. Default 5 s. */
  timeoutMs: number;
  /** Unknown (never used) deployments are probed at most this often. Default 60 s. */
  idleProbeEveryMs: number;
}

export const DEFAULT_HEALTH_PROBER_OPTIONS: HealthProberOptions = { intervalMs: 5_000, timeoutMs: 5_000, idleProbeEveryMs: 60_000 };

export interface HealthProberDeps {
  catalog: CatalogSource;
  adapters: ReadonlyMap<string, ProviderAdapter>;
  scheduler: Scheduler;
  egress: Egress;
  clock: Clock;
  logger: Logger;
  options?: Partial<HealthProberOptions>;
}

export class HealthProber {
  private readonly opts: HealthProberOptions;
  private readonly inFlight = new Set<string>();
  private readonly lastIdleProbe = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;
  private readonly upstreams: UpstreamTargets;

  constructor(private readonly deps: HealthProberDeps) {
    this.opts = { ...DEFAULT_HEALTH_PROBER_OPTIONS, ...deps.options };
    this.upstreams = new UpstreamTargets(deps.adapters);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: probes every deployment that needs it (exposed for tests). */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    const due: Deployment[] = [];
    for (const d of this.deps.catalog.current().deployments.values()) {
      if (d.status !== 'enabled' || this.inFlight.has(d.id)) continue;
      const health = this.deps.scheduler.healthOf?.(d.id);
      if (!health) continue;
      const idleUnknown = health.state === 'unknown' && health.inflight === 0
        && now - (this.lastIdleProbe.get(d.id) ?? 0) >= this.opts.idleProbeEveryMs;
      if (health.breaker === 'half_open' || idleUnknown) {
        if (idleUnknown) this.lastIdleProbe.set(d.id, now);
        due.push(d);
      }
    }
    await Promise.all(due.map((d) => this.probe(d)));
  }

  private async probe(d: Deployment): Promise<void> {
    const upstream = this.upstreams.of(this.deps.catalog.current(), d);
    if (typeof upstream === 'string' || !upstream.adapter.probe) return;
    const { adapter, target } = upstream;
    const attemptId = `probe-${++this.sequence}`;
    const startedAt = this.deps.clock.now();
    const estimate = this.deps.scheduler.healthOf?.(d.id)?.latencyMs;
    this.inFlight.add(d.id);
    this.deps.scheduler.attemptStarted(d.id, attemptId);
    let result: AttemptResult = 'ok';
    try {
      await adapter.probe?.({
        target,
        egress: this.deps.egress,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        requestId: attemptId,
        firstByteTimeoutMs: this.opts.timeoutMs,
        idleTimeoutMs: this.opts.timeoutMs,
      });
    } catch (thrown) {
      const err = thrown instanceof HubError ? thrown : toHubError(thrown);
      result = err.code === 'upstream_rate_limited' ? 'throttled' : err.code === 'upstream_timeout' || thrown instanceof DOMException ? 'timeout' : 'error';
      this.deps.logger.info({ deployment: d.id, code: err.code }, 'health probe failed');
    } finally {
      this.inFlight.delete(d.id);
    }
    const latencyMs = estimate ?? this.deps.clock.now() - startedAt;
    this.deps.scheduler.attemptFinished({ deploymentId: d.id, attemptId, result, latencyMs });
  }
}
