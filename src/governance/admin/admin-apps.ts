/** Apps (business lines) with their defaults and rate limits, inside a tenant. */
import type { App, AppDefaults } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import { assertCanWrite, canSeeTenant, notFound, type AdminCaller } from './admin-caller.js';
import { randomId, type AdminServiceDeps } from './admin-deps.js';
import type { LimitsService } from './admin-limits.js';
import { paginate, type Page, type PageRequest } from './admin-page.js';

export interface RpmTpm {
  rpm?: number;
  tpm?: number;
}

export interface AppView extends App {
  /** The `app:<id>` rate-limit rule, if any. */
  limits?: RpmTpm;
}

export interface AppFilter {
  tenantId?: string;
  q?: string;
}

export interface CreateAppInput {
  id?: string;
  tenantId: string;
  name: string;
  defaults?: AppDefaults;
  limits?: RpmTpm;
}

export interface UpdateAppInput {
  name?: string;
  /** Replaces the defaults. */
  defaults?: AppDefaults;
  /** null removes the app's rate limit. */
  limits?: RpmTpm | null;
}

export class AppService {
  constructor(
    private readonly d: AdminServiceDeps,
    private readonly limits: LimitsService,
  ) {}

  private async view(app: App): Promise<AppView> {
    const limits = await this.limits.limitsOf(`app:${app.id}`);
    return limits === undefined ? app : { ...app, limits };
  }

  async find(caller: AdminCaller, id: string): Promise<App> {
    const app = (await this.d.store.listApps()).find((a) => a.id === id);
    if (app === undefined || !canSeeTenant(caller, app.tenantId)) throw notFound('app', id);
    return app;
  }

  async list(caller: AdminCaller, filter: AppFilter, page: PageRequest): Promise<Page<AppView>> {
    const q = filter.q?.toLowerCase();
    const list = (await this.d.store.listApps()).filter(
      (a) => canSeeTenant(caller, a.tenantId) && (filter.tenantId === undefined || a.tenantId === filter.tenantId) && (q === undefined || a.id.toLowerCase().includes(q) || a.name.toLowerCase().includes(q)),
    );
    const p = paginate(list, page);
    return { ...p, data: await Promise.all(p.data.map((a) => this.view(a))) };
  }

  async get(caller: AdminCaller, id: string): Promise<AppView> {
    return this.view(await this.find(caller, id));
  }

  async create(caller: AdminCaller, input: CreateAppInput): Promise<AppView> {
    const tenant = (await this.d.store.listTenants()).find((t) => t.id === input.tenantId);
    if (tenant === undefined || !canSeeTenant(caller, tenant.id)) throw notFound('tenant', input.tenantId);
    assertCanWrite(caller, tenant.id);
    const id = input.id ?? randomId('app');
    if ((await this.d.store.listApps()).some((a) => a.id === id)) throw new HubError('conflict', `An app "${id}" already exists.`);
    const app: App = { id, tenantId: tenant.id, name: input.name, defaults: input.defaults ?? {}, createdAt: this.d.now() };
    await this.d.store.upsertApp(app);
    if (input.limits !== undefined) await this.limits.setLimitsOf(`app:${id}`, tenant.id, input.limits);
    const view = await this.view(app);
    await this.d.audit.record(caller, 'app.create', { type: 'app', id, tenantId: tenant.id }, undefined, view);
    await this.d.changed();
    return view;
  }

  async update(caller: AdminCaller, id: string, patch: UpdateAppInput): Promise<AppView> {
    const old = await this.find(caller, id);
    assertCanWrite(caller, old.tenantId);
    const before = await this.view(old);
    const app: App = { ...old, ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.defaults !== undefined ? { defaults: patch.defaults } : {}) };
    await this.d.store.upsertApp(app);
    if (patch.limits !== undefined) await this.limits.setLimitsOf(`app:${id}`, old.tenantId, patch.limits);
    const view = await this.view(app);
    await this.d.audit.record(caller, 'app.update', { type: 'app', id, tenantId: old.tenantId }, before, view);
    await this.d.changed();
    return view;
  }

  async delete(caller: AdminCaller, id: string): Promise<void> {
    const old = await this.find(caller, id);
    assertCanWrite(caller, old.tenantId);
    const active = (await this.d.store.listApiKeys()).filter((k) => k.appId === id && k.revokedAt === undefined);
    if (active.length > 0) throw new HubError('conflict', `App "${id}" still has ${active.length} unrevoked key(s): revoke them first.`);
    const before = await this.view(old);
    await this.d.adminStore.deleteApp(id);
    await this.limits.setLimitsOf(`app:${id}`, old.tenantId, null);
    await this.d.audit.record(caller, 'app.delete', { type: 'app', id, tenantId: old.tenantId }, before, undefined);
    await this.d.changed();
  }
}
