/**
 * Deployments and aliases (platform objects). Every authenticated caller may read them —
 * tenant admins need model names and prices to set allowed models — only platform admins
 * write. Referential checks: a deployment's provider exists; alias members exist; a
 * deployment in an alias cannot be deleted; an alias name cannot shadow a deployment id.
 */
import type { Deployment, ModelAlias } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import { assertPlatformAdmin, notFound, type AdminCaller } from './admin-caller.js';
import type { AdminServiceDeps } from './admin-deps.js';
import { paginate, type Page, type PageRequest } from './admin-page.js';

export interface DeploymentFilter {
  providerId?: string;
  tier?: Deployment['tier'];
  status?: Deployment['status'];
}

export type DeploymentPatch = Partial<Omit<Deployment, 'id' | 'price' | 'maxOutputTokens' | 'quality' | 'options'>> & {
  price?: Deployment['price'] | null;
  maxOutputTokens?: number | null;
  quality?: number | null;
  options?: Deployment['options'] | null;
};

export class DeploymentService {
  constructor(private readonly d: AdminServiceDeps) {}

  private async find(id: string): Promise<Deployment> {
    const x = (await this.d.store.listDeployments()).find((d) => d.id === id);
    if (x === undefined) throw notFound('deployment', id);
    return x;
  }

  async list(_caller: AdminCaller, f: DeploymentFilter, page: PageRequest): Promise<Page<Deployment>> {
    const list = (await this.d.store.listDeployments()).filter(
      (d) => (f.providerId === undefined || d.providerId === f.providerId) && (f.tier === undefined || d.tier === f.tier) && (f.status === undefined || d.status === f.status),
    );
    return paginate(list, page);
  }

  get(_caller: AdminCaller, id: string): Promise<Deployment> {
    return this.find(id);
  }

  private async assertProvider(providerId: string): Promise<void> {
    if (!(await this.d.store.listProviders()).some((p) => p.id === providerId)) {
      throw new HubError('invalid_request', `Invalid value at 'providerId': no provider "${providerId}".`, { param: 'providerId' });
    }
  }

  async create(caller: AdminCaller, input: Deployment): Promise<Deployment> {
    assertPlatformAdmin(caller);
    await this.assertProvider(input.providerId);
    if ((await this.d.store.listDeployments()).some((d) => d.id === input.id)) throw new HubError('conflict', `A deployment "${input.id}" already exists.`);
    await this.d.store.upsertDeployment(input);
    await this.d.audit.record(caller, 'deployment.create', { type: 'deployment', id: input.id }, undefined, input);
    await this.d.changed();
    return input;
  }

  async update(caller: AdminCaller, id: string, patch: DeploymentPatch): Promise<Deployment> {
    assertPlatformAdmin(caller);
    const old = await this.find(id);
    if (patch.providerId !== undefined) await this.assertProvider(patch.providerId);
    const next: Deployment = { ...old };
    for (const [k, v] of Object.entries(patch) as [keyof Deployment, unknown][]) {
      if (v === null) delete next[k];
      else if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
    }
    await this.d.store.upsertDeployment(next);
    await this.d.audit.record(caller, 'deployment.update', { type: 'deployment', id }, old, next);
    await this.d.changed();
    return next;
  }

  async delete(caller: AdminCaller, id: string): Promise<void> {
    assertPlatformAdmin(caller);
    const old = await this.find(id);
    const aliases = (await this.d.store.listAliases()).filter((a) => a.members.some((m) => m.deploymentId === id)).map((a) => a.name);
    if (aliases.length > 0) throw new HubError('conflict', `Deployment "${id}" is a member of alias(es) ${aliases.join(', ')}: remove it there first.`);
    await this.d.store.deleteDeployment(id);
    await this.d.audit.record(caller, 'deployment.delete', { type: 'deployment', id }, old, undefined);
    await this.d.changed();
  }
}

export class AliasService {
  constructor(private readonly d: AdminServiceDeps) {}

  private async find(name: string): Promise<ModelAlias> {
    const a = (await this.d.store.listAliases()).find((x) => x.name === name);
    if (a === undefined) throw notFound('alias', name);
    return a;
  }

  async list(_caller: AdminCaller, f: { q?: string }, page: PageRequest): Promise<Page<ModelAlias>> {
    const q = f.q?.toLowerCase();
    return paginate((await this.d.store.listAliases()).filter((a) => q === undefined || a.name.toLowerCase().includes(q)), page);
  }

  get(_caller: AdminCaller, name: string): Promise<ModelAlias> {
    return this.find(name);
  }

  private async assertMembers(alias: ModelAlias): Promise<void> {
    const ids = new Set((await this.d.store.listDeployments()).map((d) => d.id));
    const seen = new Set<string>();
    alias.members.forEach((m, i) => {
      if (!ids.has(m.deploymentId)) throw new HubError('invalid_request', `Invalid value at 'members[${i}].deploymentId': no deployment "${m.deploymentId}".`, { param: `members[${i}].deploymentId` });
      if (seen.has(m.deploymentId)) throw new HubError('invalid_request', `Invalid value at 'members[${i}].deploymentId': "${m.deploymentId}" is listed twice.`, { param: `members[${i}].deploymentId` });
      seen.add(m.deploymentId);
    });
  }

  async create(caller: AdminCaller, input: ModelAlias): Promise<ModelAlias> {
    assertPlatformAdmin(caller);
    if ((await this.d.store.listAliases()).some((a) => a.name === input.name)) throw new HubError('conflict', `An alias "${input.name}" already exists.`);
    if ((await this.d.store.listDeployments()).some((d) => d.id === input.name)) throw new HubError('conflict', `"${input.name}" is a deployment id; choose another alias name.`);
    await this.assertMembers(input);
    await this.d.store.upsertAlias(input);
    await this.d.audit.record(caller, 'alias.create', { type: 'alias', id: input.name }, undefined, input);
    await this.d.changed();
    return input;
  }

  async update(caller: AdminCaller, name: string, patch: { description?: string | null; members?: ModelAlias['members'] }): Promise<ModelAlias> {
    assertPlatformAdmin(caller);
    const old = await this.find(name);
    const next: ModelAlias = { ...old, ...(patch.members !== undefined ? { members: patch.members } : {}) };
    if (patch.description === null) delete next.description;
    else if (patch.description !== undefined) next.description = patch.description;
    await this.assertMembers(next);
    await this.d.store.upsertAlias(next);
    await this.d.audit.record(caller, 'alias.update', { type: 'alias', id: name }, old, next);
    await this.d.changed();
    return next;
  }

  async delete(caller: AdminCaller, name: string): Promise<void> {
    assertPlatformAdmin(caller);
    const old = await this.find(name);
    await this.d.store.deleteAlias(name);
    await this.d.audit.record(caller, 'alias.delete', { type: 'alias', id: name }, old, undefined);
    await this.d.changed();
  }
}
