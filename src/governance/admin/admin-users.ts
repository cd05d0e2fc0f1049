/**
 * Admin users. No escalation: a caller grants only what it holds — a platform admin anything;
 * a tenant admin only `tenant_admin` or `viewer` scoped to its own tenant; a viewer nothing.
 * Users are disabled, not deleted (audit rows keep pointing at them). The last enabled
 * platform admin cannot be disabled or demoted.
 */
import { randomUUID } from 'node:crypto';
import type { AdminRole, AdminUser } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import type { AdminStore, HubStore } from '../../core/store.js';
import { hashAdminPassword } from '../admin-password.js';
import type { AuditLog } from './admin-audit.js';
import { assertCanWrite, canSeeTenant, notFound, type AdminCaller } from './admin-caller.js';
import { paginate, type Page, type PageRequest } from './admin-page.js';

export interface AdminUserView {
  id: string;
  username: string;
  role: AdminRole;
  tenantId?: string;
  createdAt: number;
  disabled: boolean;
  disabledAt?: number;
}

export function adminUserView(u: AdminUser): AdminUserView {
  return {
    id: u.id, username: u.username, role: u.role, createdAt: u.createdAt, disabled: u.disabledAt !== undefined,
    ...(u.tenantId !== undefined ? { tenantId: u.tenantId } : {}),
    ...(u.disabledAt !== undefined ? { disabledAt: u.disabledAt } : {}),
  };
}

export interface CreateAdminUserInput {
  username: string;
  password: string;
  role: AdminRole;
  tenantId?: string;
}

export interface UpdateAdminUserInput {
  role?: AdminRole;
  /** null: make the user platform-wide (only meaningful for viewer / platform_admin). */
  tenantId?: string | null;
  password?: string;
  disabled?: boolean;
}

export interface AdminUserFilter {
  role?: AdminRole;
  tenantId?: string;
  disabled?: boolean;
}

export class AdminUserService {
  constructor(
    private readonly store: HubStore,
    private readonly adminStore: AdminStore,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  private visible(caller: AdminCaller, u: AdminUser): boolean {
    // Platform-wide users are visible only to platform-wide callers.
    return u.tenantId === undefined ? caller.tenantId === undefined : canSeeTenant(caller, u.tenantId);
  }

  private async find(caller: AdminCaller, id: string): Promise<AdminUser> {
    const user = (await this.adminStore.listAdminUsersWithState()).find((u) => u.id === id);
    if (user === undefined || !this.visible(caller, user)) throw notFound('admin user', id);
    return user;
  }

  async list(caller: AdminCaller, filter: AdminUserFilter, page: PageRequest): Promise<Page<AdminUserView>> {
    const users = (await this.adminStore.listAdminUsersWithState()).filter(
      (u) =>
        this.visible(caller, u) &&
        (filter.role === undefined || u.role === filter.role) &&
        (filter.tenantId === undefined || u.tenantId === filter.tenantId) &&
        (filter.disabled === undefined || (u.disabledAt !== undefined) === filter.disabled),
    );
    return paginate(users.map(adminUserView), page);
  }

  async get(caller: AdminCaller, id: string): Promise<AdminUserView> {
    return adminUserView(await this.find(caller, id));
  }

  /** Shape rules of a (role, tenant) pair, then the no-escalation rule. */
  private async assertGrant(caller: AdminCaller, role: AdminRole, tenantId: string | undefined): Promise<void> {
    if (role === 'platform_admin' && tenantId !== undefined) {
      throw new HubError('invalid_request', "Invalid value at 'tenantId': a platform_admin is not scoped to a tenant; omit tenantId.", { param: 'tenantId' });
    }
    if (role === 'tenant_admin' && tenantId === undefined) {
      throw new HubError('invalid_request', "Invalid value at 'tenantId': required for role tenant_admin.", { param: 'tenantId' });
    }
    if (caller.role === 'viewer') throw new HubError('permission_denied', 'Viewers are read-only.');
    if (caller.role === 'tenant_admin' && (role === 'platform_admin' || tenantId !== caller.tenantId)) {
      throw new HubError('permission_denied', `A tenant admin may only grant tenant_admin or viewer within tenant "${caller.tenantId ?? ''}".`);
    }
    if (tenantId !== undefined && !(await this.store.listTenants()).some((t) => t.id === tenantId)) throw notFound('tenant', tenantId);
  }

  async create(caller: AdminCaller, input: CreateAdminUserInput): Promise<AdminUserView> {
    await this.assertGrant(caller, input.role, input.tenantId);
    if ((await this.store.findAdminUserByUsername(input.username)) !== undefined) {
      throw new HubError('conflict', `An admin user named "${input.username}" already exists.`);
    }
    const user: AdminUser = {
      id: `usr_${randomUUID().replaceAll('-', '')}`,
      username: input.username,
      passwordHash: await hashAdminPassword(input.password),
      role: input.role,
      createdAt: this.now(),
      ...(input.tenantId !== undefined ? { tenantId: input.tenantId } : {}),
    };
    try {
      await this.store.insertAdminUser(user);
    } catch (err) {
      // A concurrent create of the same username lost the unique constraint.
      if ((await this.store.findAdminUserByUsername(input.username)) !== undefined) throw new HubError('conflict', `An admin user named "${input.username}" already exists.`);
      throw err;
    }
    const view = adminUserView(user);
    await this.audit.record(caller, 'admin_user.create', { type: 'admin_user', id: user.id, ...tenantField(user.tenantId) }, undefined, view);
    return view;
  }

  async update(caller: AdminCaller, id: string, input: UpdateAdminUserInput): Promise<AdminUserView> {
    const old = await this.find(caller, id);
    assertCanWrite(caller, old.tenantId);
    const role = input.role ?? old.role;
    const tenantId = input.tenantId === null ? undefined : input.tenantId !== undefined ? input.tenantId : role === 'platform_admin' ? undefined : old.tenantId;
    if (input.role !== undefined || input.tenantId !== undefined) await this.assertGrant(caller, role, tenantId);
    const disabledAt = input.disabled === undefined ? old.disabledAt : input.disabled ? (old.disabledAt ?? this.now()) : undefined;
    if (old.role === 'platform_admin' && old.disabledAt === undefined && (role !== 'platform_admin' || disabledAt !== undefined)) {
      const others = (await this.adminStore.listAdminUsersWithState()).filter((u) => u.role === 'platform_admin' && u.disabledAt === undefined && u.id !== id);
      if (others.length === 0) throw new HubError('conflict', 'This is the last enabled platform admin: create another one first.');
    }
    const { disabledAt: _d, tenantId: _t, ...base } = old;
    const next: AdminUser = {
      ...base,
      role,
      ...(tenantId !== undefined ? { tenantId } : {}),
      ...(input.password !== undefined ? { passwordHash: await hashAdminPassword(input.password) } : {}),
    };
    await this.store.updateAdminUser(next);
    if (disabledAt !== old.disabledAt) await this.adminStore.setAdminUserDisabled(id, disabledAt);
    if (input.password !== undefined || disabledAt !== undefined) await this.adminStore.revokeAdminSessions(id, this.now());
    const view = adminUserView({ ...next, ...(disabledAt !== undefined ? { disabledAt } : {}) });
    const after = input.password !== undefined ? { ...view, passwordChanged: true } : view;
    await this.audit.record(caller, 'admin_user.update', { type: 'admin_user', id, ...tenantField(tenantId ?? old.tenantId) }, adminUserView(old), after);
    return view;
  }
}

function tenantField(tenantId: string | undefined): { tenantId?: string } {
  return tenantId !== undefined ? { tenantId } : {};
}
