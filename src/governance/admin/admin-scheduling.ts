/**
 * Scheduling operations for the admin API (issue 4 §3, §5, §7):
 *  - decision traces by request id, tenant-scoped (another tenant's trace answers not_found);
 *  - live health of every deployment (this node's scheduler: breaker, EWMA latency and error
 *    rate, in flight, throttling), for platform-wide callers;
 *  - operator overrides (force-open, disable, drain, reset) by platform admins, audited;
 *  - gray-release rollbacks and promotions written to the audit log with actor `system`.
 *
 * Health and overrides are per node and in memory (DESIGN.md §5: breaker state stays per
 * node); the configured deployment status (enabled / disabled / draining) is the durable switch.
 */
import type { Deployment } from '../../core/domain.js';
import type { Logger } from '../../core/ports.js';
import type { DeploymentHealth, GrayEvent, OperatorOverride, Scheduler } from '../../core/scheduling.js';
import type { AdminStore, HubStore } from '../../core/store.js';
import { HubError } from '../../core/errors.js';
import type { RouteSummary } from '../../gateway/routing/route-summary.js';
import type { AuditLog } from './admin-audit.js';
import { assertPlatformAdmin, assertPlatformReader, notFound, type AdminCaller } from './admin-caller.js';
import type { AdminServices } from './admin-services.js';

/** Where full decision traces are kept (the gateway's TraceStore). */
export interface TraceReader {
  /** `tenantId` undefined = platform-wide read. */
  get(requestId: string, tenantId?: string): RouteSummary | undefined;
}

/** `reset` clears an operator override; the others set one. */
export type HealthAction = OperatorOverride | 'reset';
export const HEALTH_ACTIONS: readonly HealthAction[] = ['force-open', 'disable', 'drain', 'reset'];

export interface DeploymentHealthView extends DeploymentHealth {
  /** The configured status (durable); `unconfigured` for a deployment no longer in the configuration. */
  configuredStatus: Deployment['status'] | 'unconfigured';
}

export interface SchedulingAdminDeps {
  store: HubStore;
  audit: AuditLog;
  scheduler: Scheduler;
  traces: TraceReader;
}

export class SchedulingAdminService {
  constructor(private readonly d: SchedulingAdminDeps) {}

  /** The full trace of a request; tenant-scoped callers see only their tenant's requests. */
  trace(caller: AdminCaller, requestId: string): RouteSummary {
    const trace = this.d.traces.get(requestId, caller.tenantId);
    if (trace === undefined) {
      throw new HubError('not_found', `No decision trace for request "${requestId}": traces are kept in memory, on the node that served the request, for its most recent requests.`);
    }
    return trace;
  }

  /** Every configured deployment (and any other the scheduler has seen), by id. */
  async health(caller: AdminCaller): Promise<DeploymentHealthView[]> {
    assertPlatformReader(caller);
    const configured = new Map((await this.d.store.listDeployments()).map((dep) => [dep.id, dep.status] as const));
    const ids = new Set([...configured.keys(), ...this.d.scheduler.health().map((h) => h.deploymentId)]);
    return [...ids].sort().map((id) => ({ ...this.d.scheduler.healthOf(id), configuredStatus: configured.get(id) ?? 'unconfigured' }));
  }

  /** Sets or clears an operator override on a configured deployment; audited. */
  async act(caller: AdminCaller, deploymentId: string, action: HealthAction): Promise<DeploymentHealthView> {
    assertPlatformAdmin(caller);
    const dep = (await this.d.store.listDeployments()).find((x) => x.id === deploymentId);
    if (dep === undefined) throw notFound('deployment', deploymentId);
    const before = this.d.scheduler.healthOf(deploymentId);
    this.d.scheduler.setOverride(deploymentId, action === 'reset' ? undefined : action);
    const after = this.d.scheduler.healthOf(deploymentId);
    await this.d.audit.record(caller, `deployment.health.${action}`, { type: 'deployment', id: deploymentId }, overrideView(before), overrideView(after));
    return { ...after, configuredStatus: dep.status };
  }
}

function overrideView(h: DeploymentHealth): { override: OperatorOverride | null; state: DeploymentHealth['state']; breaker: DeploymentHealth['breaker'] } {
  return { override: h.override ?? null, state: h.state, breaker: h.breaker };
}

/**
 * `SchedulerOptions.onGrayEvent` → audit log: `alias.canary.rollback` / `alias.canary.promotion`
 * with actor `system`, the alias as target and the statistic as `after`.
 */
export function grayEventAuditor(adminStore: AdminStore, logger?: Logger): (event: GrayEvent) => void {
  return (event) => {
    const action = event.type === 'rollback' ? 'alias.canary.rollback' : 'alias.canary.promotion';
    logger?.warn({ alias: event.alias, deployment: event.deploymentId, reason: event.reason }, `gray release ${event.type}`);
    void adminStore
      .insertAudit({
        at: event.at,
        actorType: 'system',
        actorId: 'system',
        actorName: 'scheduler',
        action,
        targetType: 'alias',
        targetId: event.alias,
        after: { deploymentId: event.deploymentId, reason: event.reason, evidence: event.evidence },
      })
      .catch((err: unknown) => logger?.error({ err: String(err), alias: event.alias }, 'could not write the gray-release audit event'));
  };
}

const attached = new WeakMap<AdminServices, SchedulingAdminService>();

/**
 * Links the scheduling service to the AdminServices the admin routes receive (the composition
 * root calls it next to `createAdminServices`, once the scheduler and trace store exist).
 */
export function attachSchedulingAdmin(admin: AdminServices, service: SchedulingAdminService): void {
  attached.set(admin, service);
}

/** The attached service; `internal_error` naming the missing wiring otherwise. */
export function schedulingAdminOf(admin: AdminServices): SchedulingAdminService {
  const service = attached.get(admin);
  if (service === undefined) throw new HubError('internal_error', 'Scheduling admin is not wired: the composition root must call attachSchedulingAdmin(adminServices, service).');
  return service;
}
