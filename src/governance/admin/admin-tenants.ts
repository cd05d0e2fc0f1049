/** Tenants: platform admins create, rename, suspend and delete (an empty tenant only). */
import type { Tenant } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import { assertPlatformAdmin, assertVisible, canSeeTenant, notFound, type AdminCaller } from './admin-caller.js';
import { randomId, type AdminServiceDeps } from './admin-deps.js';
import { paginate, type Page, type PageRequest } from './admin-page.js';

export interface TenantFilter {
  status?: Tenant['status'];
  /** Case-insensitive substring of id or name. */
  q?: string;
}

export class TenantService {
  constructor(private readonly d: AdminServiceDeps) {}

  async list(caller: AdminCaller, filter: TenantFilter, page: PageRequest): Promise<Page<Tenant>> {
    const q = filter.q?.toLowerCase();
    const list = (await this.d.store.listTenants()).filter(
      (t) =>
        canSeeTenant(caller, t.id) &&
        (filter.status === undefined || t.status === filter.status) &&
        (q === undefined || t.id.toLowerCase().includes(q) || t.name.toLowerCase().includes(q)),
    );
    return paginate(list, page);
  }

  async get(caller: AdminCaller, id: string): Promise<Tenant> {
    const t = (await this.d.store.listTenants()).find((x) => x.id === id);
    if (t === undefined) throw notFound('tenant', id);
    assertVisible(caller, 'tenant', id, t.id);
    return t;
  }

  async create(caller: AdminCaller, input: { id?: string; name: string; status?: Tenant['status'] }): Promise<Tenant> {
    assertPlatformAdmin(caller);
    const id = input.id ?? randomId('t');
    if ((await this.d.store.listTenants()).some((t) => t.id === id)) throw new HubError('conflict', `A tenant "${id}" already exists.`);
    const tenant: Tenant = { id, name: input.name, status: input.status ?? 'active', createdAt: this.d.now() };
    await this.d.store.upsertTenant(tenant);
    await this.d.audit.record(caller, 'tenant.create', { type: 'tenant', id, tenantId: id }, undefined, tenant);
    await this.d.changed();
    return tenant;
  }

  async update(caller: AdminCaller, id: string, patch: { name?: string; status?: Tenant['status'] }): Promise<Tenant> {
    const old = await this.get(caller, id);
    assertPlatformAdmin(caller);
    const tenant: Tenant = { ...old, ...patch };
    await this.d.store.upsertTenant(tenant);
    await this.d.audit.record(caller, 'tenant.update', { type: 'tenant', id, tenantId: id }, old, tenant);
    await this.d.changed();
    return tenant;
  }

  async delete(caller: AdminCaller, id: string): Promise<void> {
    const old = await this.get(caller, id);
    assertPlatformAdmin(caller);
    const apps = (await this.d.store.listApps()).filter((a) => a.tenantId === id);
    if (apps.length > 0) throw new HubError('conflict', `Tenant "${id}" still has ${apps.length} app(s): delete them first, or suspend the tenant instead.`);
    await this.d.adminStore.deleteTenant(id);
    await this.d.audit.record(caller, 'tenant.delete', { type: 'tenant', id, tenantId: id }, old, undefined);
    await this.d.changed();
  }
}
