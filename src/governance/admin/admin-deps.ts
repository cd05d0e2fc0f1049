/** What every admin service is built from. */
import type { AdminStore, HubStore } from '../../core/store.js';
import type { AuditLog } from './admin-audit.js';

export interface AdminServiceDeps {
  store: HubStore;
  adminStore: AdminStore;
  audit: AuditLog;
  now: () => number;
  /** Called after every successful configuration write (rebuilds the catalog). */
  changed: () => Promise<void>;
}

/** `t_3f9a…`: a random id when the caller gives none. */
export function randomId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

export function tenantField(tenantId: string | undefined): { tenantId?: string } {
  return tenantId !== undefined ? { tenantId } : {};
}
