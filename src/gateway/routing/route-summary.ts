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
  const planIds = plan.attempts.map((d) => d.id);
  return {
    requestId: base.requestId,
    tenantId: base.tenantId,
    requestedModel: base.requestedModel,
    at: base.at,
    servedDeploymentId,
    rank: planIds.indexOf(servedDeploymentId) + 1,
    attempt: attempts.length,
    reason: plan.reason,
    candidates: plan.candidates,
    filtered: plan.filtered,
    attempts,
    plan: planIds,
    // Read through: the scheduler builds the per-candidate trace only when someone asks for it.
    get trace() {
      return plan.trace;
    },
  };
}

export function formatRouteHeader(s: RouteSummary): string {
  const filtered = Object.entries(s.filtered)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name}:${n}`)
    .join(',');
  return (
    `deployment=${s.servedDeploymentId}; reason=${s.reason}; rank=${s.rank}; attempt=${s.attempt}; ` +
    `fallback=${s.rank > 1 || s.attempt > 1 ? 1 : 0}; candidates=${s.candidates}` +
    (filtered ? `; filtered=${filtered}` : '')
  );
}

/** Bounded in-memory store of full traces, newest kept; tenant-scoped reads. */
export class TraceStore {
  private readonly traces = new Map<string, RouteSummary>();
  constructor(private readonly capacity = 10_000) {}

  put(summary: RouteSummary): void {
    if (this.traces.size >= this.capacity) {
      const oldest = this.traces.keys().next().value;
      if (oldest !== undefined) this.traces.delete(oldest);
    }
    this.traces.set(summary.requestId, summary);
  }

  /** `tenantId` undefined = platform-wide read (platform admins only). */
  get(requestId: string, tenantId?: string): RouteSummary | undefined {
    const t = this.traces.get(requestId);
    if (t === undefined || (tenantId !== undefined && t.tenantId !== tenantId)) return undefined;
    return t;
  }
}
