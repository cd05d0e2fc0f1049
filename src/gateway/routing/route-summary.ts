/**
 * The compact decision trace sent to the client as `x-zhongshu-route`, and the full trace kept
 * in memory for the admin API (GET /admin/api/v1/traces/{requestId}).
 *
 * Header format (semicolon-separated key=value, stable order):
 *   `deployment=<id>; reason=<reason>; rank=<1-based position in the plan>; attempt=<n>;
 *    fallback=<0|1>; candidates=<n>; filtered=<filter>:<removed>,…`
 * It names only the caller's own deployment choice; no other tenant's data is in it.
 */
import type { RoutePlan } from '../../core/scheduling.js';

export interface AttemptSummary {
  attempt: number;
  deploymentId: string;
  outcome: 'ok' | 'error';
  errorCode?: string;
  latencyMs: number;
}

export interface RouteSummary {
  requestId: string;
  tenantId: string;
  requestedModel: string;
  servedDeploymentId: string;
  /** 1-based position of the served deployment in the plan. */
  rank: number;
  attempt: number;
  reason: string;
  candidates: number;
  filtered: Record<string, number>;
  attempts: AttemptSummary[];
  plan: string[];
  trace: Record<string, unknown>;
  at: number;
}

export function summarizeRoute(
  base: { requestId: string; tenantId: string; requestedModel: string; at: number },
  plan: RoutePlan,
  attempts: AttemptSummary[],
  servedDeploymentId: string,
): RouteSummary {
  return new PlannedRoute(base, plan, attempts, servedDeploymentId);
}

/**
 * The summary of a planned request: a fixed-shape object (it may be kept by the trace store),
 * whose plan ids and per-candidate trace are read through from the plan, on demand.
 */
class PlannedRoute implements RouteSummary {
  readonly requestId: string;
  readonly tenantId: string;
  readonly requestedModel: string;
  readonly at: number;
  readonly servedDeploymentId: string;
  readonly rank: number;
  readonly attempt: number;
  readonly reason: string;
  readonly candidates: number;
  readonly filtered: Record<string, number>;
  readonly attempts: AttemptSummary[];
  private readonly source: RoutePlan;

  constructor(base: { requestId: string; tenantId: string; requestedModel: string; at: number }, plan: RoutePlan, attempts: AttemptSummary[], servedDeploymentId: string) {
    this.requestId = base.requestId;
    this.tenantId = base.tenantId;
    this.requestedModel = base.requestedModel;
    this.at = base.at;
    this.servedDeploymentId = servedDeploymentId;
    this.rank = rankOf(plan, servedDeploymentId);
    this.attempt = attempts.length;
    this.reason = plan.reason;
    this.candidates = plan.candidates;
    this.filtered = plan.filtered;
    this.attempts = attempts;
    this.source = plan;
  }

  get plan(): string[] {
    return this.source.attempts.map((d) => d.id);
  }

  /** The scheduler builds the per-candidate trace only when someone asks for it. */
  get trace(): Record<string, unknown> {
    return this.source.trace;
  }

  toJSON(): RouteSummary {
    return plainSummary(this);
  }
}

/** 1-based position of `deploymentId` in the plan (0 when absent). */
function rankOf(plan: RoutePlan, deploymentId: string): number {
  const attempts = plan.attempts;
  for (let i = 0; i < attempts.length; i++) if ((attempts[i] as RoutePlan['attempts'][number]).id === deploymentId) return i + 1;
  return 0;
}

/** A plain-data copy of `s` (every field an own property, the trace built). */
function plainSummary(s: RouteSummary): RouteSummary {
  return {
    requestId: s.requestId,
    tenantId: s.tenantId,
    requestedModel: s.requestedModel,
    at: s.at,
    servedDeploymentId: s.servedDeploymentId,
    rank: s.rank,
    attempt: s.attempt,
    reason: s.reason,
    candidates: s.candidates,
    filtered: s.filtered,
    attempts: s.attempts,
    plan: s.plan,
    trace: s.trace,
  };
}

export function formatRouteHeader(s: RouteSummary): string {
  let filtered = '';
  for (const name of Object.keys(s.filtered)) {
    const n = s.filtered[name] as number;
    if (n > 0) filtered += `${filtered ? ',' : ''}${name}:${n}`;
  }
  return (
    `deployment=${s.servedDeploymentId}; reason=${s.reason}; rank=${s.rank}; attempt=${s.attempt}; ` +
    `fallback=${s.rank > 1 || s.attempt > 1 ? 1 : 0}; candidates=${s.candidates}` +
    (filtered ? `; filtered=${filtered}` : '')
  );
}

/**
 * Bounded in-memory store of route summaries (with their decision traces), newest kept;
 * tenant-scoped reads. Eviction is first in, first out, through a ring of request ids (a Map
 * used as a queue slows down as deleted entries pile up at its head).
 */
export class TraceStore {
  private readonly traces = new Map<string, RouteSummary>();
  /** Request ids in insertion order; `next` is the oldest once the ring is full. */
  private readonly order: (string | undefined)[];
  private next = 0;

  constructor(private readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`TraceStore capacity must be a positive integer, got ${capacity}`);
    this.order = new Array<string | undefined>(capacity).fill(undefined);
  }

  /** Keeps `summary`; a request already kept is replaced in place (its age unchanged). */
  put(summary: RouteSummary): void {
    const id = summary.requestId;
    const kept = this.traces.size;
    this.traces.set(id, summary);
    if (this.traces.size === kept) return;
    const oldest = this.order[this.next];
    if (oldest !== undefined) this.traces.delete(oldest);
    this.order[this.next] = id;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }

  /**
   * `tenantId` undefined = platform-wide read (platform admins only). The answer is plain data:
   * every field an own property, the per-candidate trace built.
   */
  get(requestId: string, tenantId?: string): RouteSummary | undefined {
    const t = this.traces.get(requestId);
    if (t === undefined || (tenantId !== undefined && t.tenantId !== tenantId)) return undefined;
    return plainSummary(t);
  }
}
