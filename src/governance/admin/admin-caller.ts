/**
 * Who is calling the admin API, and the authorization rules every service applies:
 *  - `platform_admin` (no tenant): everything.
 *  - `tenant_admin` (one tenant): read and write the objects of that tenant only.
 *  - `viewer`: read-only; platform-wide (no tenant) or scoped to one tenant.
 * An object of a tenant the caller cannot see answers `not_found` (ids never leak); an action
 * the caller's role does not allow on a visible object answers `permission_denied`.
 */
import type { AdminRole } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';

export interface AdminCaller {
  userId: string;
  username: string;
  role: AdminRole;
  /** Set for tenant-scoped callers (every tenant_admin, tenant viewers). */
  tenantId?: string;
  /** How the caller authenticated; `system` for the CLI and YAML apply (no token). */
  via: 'session' | 'api_token' | 'system';
  /** The session or admin token id. */
  tokenId: string;
  /** Request id, recorded in audit events. */
  requestId?: string;
}

/** True when the caller may see objects of `tenantId`. */
export function canSeeTenant(caller: AdminCaller, tenantId: string): boolean {
  return caller.tenantId === undefined || caller.tenantId === tenantId;
}

export function isPlatformWide(caller: AdminCaller): boolean {
  return caller.tenantId === undefined;
}

export function notFound(kind: string, id: string): HubError {
  return new HubError('not_found', `No ${kind} "${id}".`);
}

/** Throws `not_found` for an object of a tenant the caller cannot see. */
export function assertVisible(caller: AdminCaller, kind: string, id: string, tenantId: string): void {
  if (!canSeeTenant(caller, tenantId)) throw notFound(kind, id);
}

/** Writes need platform_admin, or tenant_admin inside their tenant (`tenantId` given). */
export function assertCanWrite(caller: AdminCaller, tenantId?: string): void {
  if (caller.role === 'platform_admin') return;
  if (caller.role === 'tenant_admin' && tenantId !== undefined && caller.tenantId === tenantId) return;
  throw new HubError('permission_denied', caller.role === 'viewer' ? 'Viewers are read-only.' : 'Only a platform admin may do this.');
}

/** Platform objects (providers, credentials, deployments, aliases): platform admins only. */
export function assertPlatformAdmin(caller: AdminCaller): void {
  if (caller.role !== 'platform_admin') throw new HubError('permission_denied', 'Only a platform admin may do this.');
}

/** Reading platform-only objects (providers, credentials): platform-wide callers only. */
export function assertPlatformReader(caller: AdminCaller): void {
  if (!isPlatformWide(caller)) throw new HubError('permission_denied', 'Only platform-wide admins and viewers may read this.');
}

/**
 * A platform-wide caller for trusted local tools (CLI, YAML apply): full rights, audited with
 * actor type `system` and the given name, e.g. `systemAdminCaller('cli')`.
 */
export function systemAdminCaller(name: string, requestId?: string): AdminCaller {
  return { userId: `system:${name}`, username: name, role: 'platform_admin', via: 'system', tokenId: 'system', ...(requestId !== undefined ? { requestId } : {}) };
}
