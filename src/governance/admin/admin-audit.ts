/**
 * The audit log: every admin write records who (user, token), what (`<resource>.<verb>`),
 * which object, its tenant, before/after snapshots (secrets redacted) and the request id.
 */
import type { AppliedChange } from '../apply.js';
import type { AuditEvent } from '../../core/domain.js';
import type { AdminStore, AuditQuery } from '../../core/store.js';
import { canSeeTenant, isPlatformWide, systemAdminCaller, type AdminCaller } from './admin-caller.js';
import { redactSecrets } from './admin-redact.js';

export interface AuditTarget {
  type: string;
  id: string;
  tenantId?: string;
}

/** What a caller may filter on: the store query without its internal cursor, plus paging. */
export interface AuditFilter extends Omit<AuditQuery, 'beforeId'> {
  /** Opaque cursor from a previous page. */
  cursor?: string;
  limit: number;
}

export interface AuditPage {
  data: AuditEvent[];
  nextCursor: string | null;
}

export class AuditLog {
  constructor(
    private readonly store: AdminStore,
    private readonly now: () => number,
  ) {}

  async record(caller: AdminCaller, action: string, target: AuditTarget, before: unknown, after: unknown): Promise<void> {
    const event: AuditEvent = {
      at: this.now(),
      actorType: caller.via === 'api_token' ? 'token' : caller.via === 'system' ? 'system' : 'user',
      actorId: caller.userId,
      actorName: caller.username,
      action,
      targetType: target.type,
      targetId: target.id,
      ...(caller.requestId !== undefined ? { requestId: caller.requestId } : {}),
      ...(caller.via === 'api_token' ? { actorTokenId: caller.tokenId } : {}),
      ...(target.tenantId !== undefined ? { tenantId: target.tenantId } : {}),
      ...(before !== undefined ? { before: redactSecrets(before) } : {}),
      ...(after !== undefined ? { after: redactSecrets(after) } : {}),
    };
    await this.store.insertAudit(event);
  }

  /** Tenant-scoped callers see only their tenant's events. */
  async query(caller: AdminCaller, filter: AuditFilter): Promise<AuditPage> {
    if (filter.tenantId !== undefined && !canSeeTenant(caller, filter.tenantId)) return { data: [], nextCursor: null };
    const beforeId = filter.cursor === undefined ? undefined : Number(filter.cursor);
    const query: AuditQuery = {
      limit: filter.limit + 1,
      ...(filter.actorId !== undefined ? { actorId: filter.actorId } : {}),
      ...(filter.action !== undefined ? { action: filter.action } : {}),
      ...(filter.targetType !== undefined ? { targetType: filter.targetType } : {}),
      ...(filter.targetId !== undefined ? { targetId: filter.targetId } : {}),
      ...(filter.from !== undefined ? { from: filter.from } : {}),
      ...(filter.to !== undefined ? { to: filter.to } : {}),
      ...(beforeId !== undefined && Number.isSafeInteger(beforeId) ? { beforeId } : {}),
    };
    const tenantId = isPlatformWide(caller) ? filter.tenantId : caller.tenantId;
    if (tenantId !== undefined) query.tenantId = tenantId;
    const rows = await this.store.queryAudit(query);
    const data = rows.slice(0, filter.limit);
    const last = data[data.length - 1];
    return { data, nextCursor: rows.length > filter.limit && last?.id !== undefined ? String(last.id) : null };
  }
}

/** Audits every change of a hub-file apply (`zhongshu apply`, or a file applied at start) as a system actor. */
export function applyAuditor(audit: AuditLog, actor: string): (change: AppliedChange) => Promise<void> {
  const caller = systemAdminCaller(actor);
  return (c) => audit.record(caller, `${c.kind}.${c.action}`, { type: c.kind, id: c.id, ...(c.tenantId !== undefined ? { tenantId: c.tenantId } : {}) }, c.before, c.after);
}
