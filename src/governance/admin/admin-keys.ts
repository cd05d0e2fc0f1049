/**
 * Virtual keys. The secret is returned once (create, rotate); only its hash and display
 * prefix are stored and neither the hash nor the secret is ever returned or audited.
 * Rotate issues a new key (new id, same app, name, models, expiry and limits); the old key is
 * revoked at once, or — with `gracePeriodSeconds` — expires after the grace period so clients
 * can switch over.
 */
import type { ApiKeyRecord } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import { createVirtualKey } from '../key-service.js';
import { assertCanWrite, canSeeTenant, notFound, type AdminCaller } from './admin-caller.js';
import type { AdminServiceDeps } from './admin-deps.js';
import type { RpmTpm } from './admin-apps.js';
import type { LimitsService } from './admin-limits.js';
import { paginate, type Page, type PageRequest } from './admin-page.js';

export type KeyStatus = 'active' | 'revoked' | 'expired';

export interface KeyView {
  id: string;
  tenantId: string;
  appId: string;
  name: string;
  prefix: string;
  status: KeyStatus;
  allowedModels?: string[];
  expiresAt?: number;
  revokedAt?: number;
  createdAt: number;
  limits?: RpmTpm;
}

export interface IssuedKey extends KeyView {
  /** The full virtual key: shown once. */
  key: string;
  /** Rotate: the id of the key this one replaces. */
  rotatedFrom?: string;
}

export interface KeyFilter {
  tenantId?: string;
  appId?: string;
  status?: KeyStatus;
}

export interface CreateKeyInput {
  /** A chosen id (local tools and automation); random when omitted. */
  id?: string;
  appId: string;
  name: string;
  allowedModels?: string[];
  expiresAt?: number;
  limits?: RpmTpm;
}

export interface UpdateKeyInput {
  name?: string;
  allowedModels?: string[] | null;
  expiresAt?: number | null;
  limits?: RpmTpm | null;
}

/** Longest grace period of a rotated key: 7 days. */
export const MAX_ROTATE_GRACE_SECONDS = 7 * 24 * 3600;

export class KeyService {
  constructor(
    private readonly d: AdminServiceDeps,
    private readonly limits: LimitsService,
  ) {}

  private statusOf(k: ApiKeyRecord): KeyStatus {
    if (k.revokedAt !== undefined) return 'revoked';
    return k.expiresAt !== undefined && k.expiresAt <= this.d.now() ? 'expired' : 'active';
  }

  private async view(k: ApiKeyRecord): Promise<KeyView> {
    const { hash: _hash, ...rest } = k;
    const limits = await this.limits.limitsOf(`key:${k.id}`);
    return { ...rest, status: this.statusOf(k), ...(limits !== undefined ? { limits } : {}) };
  }

  private async find(caller: AdminCaller, id: string): Promise<ApiKeyRecord> {
    const k = (await this.d.store.listApiKeys()).find((x) => x.id === id);
    if (k === undefined || !canSeeTenant(caller, k.tenantId)) throw notFound('key', id);
    return k;
  }

  async list(caller: AdminCaller, filter: KeyFilter, page: PageRequest): Promise<Page<KeyView>> {
    const list = (await this.d.store.listApiKeys()).filter(
      (k) =>
        canSeeTenant(caller, k.tenantId) &&
        (filter.tenantId === undefined || k.tenantId === filter.tenantId) &&
        (filter.appId === undefined || k.appId === filter.appId) &&
        (filter.status === undefined || this.statusOf(k) === filter.status),
    );
    const p = paginate(list, page);
    return { ...p, data: await Promise.all(p.data.map((k) => this.view(k))) };
  }

  async get(caller: AdminCaller, id: string): Promise<KeyView> {
    return this.view(await this.find(caller, id));
  }

  private assertFuture(expiresAt: number | undefined | null): void {
    if (expiresAt !== undefined && expiresAt !== null && expiresAt <= this.d.now()) {
      throw new HubError('invalid_request', "Invalid value at 'expiresAt': must be in the future (epoch milliseconds).", { param: 'expiresAt' });
    }
  }

  async create(caller: AdminCaller, input: CreateKeyInput): Promise<IssuedKey> {
    const app = (await this.d.store.listApps()).find((a) => a.id === input.appId);
    if (app === undefined || !canSeeTenant(caller, app.tenantId)) throw notFound('app', input.appId);
    assertCanWrite(caller, app.tenantId);
    this.assertFuture(input.expiresAt);
    const created = await createVirtualKey(
      this.d.store,
      {
        tenantId: app.tenantId, appId: app.id, name: input.name,
        ...(input.id !== undefined ? { id: input.id } : {}),
        ...(input.allowedModels !== undefined ? { allowedModels: input.allowedModels } : {}),
        ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
      },
      this.d.now,
    );
    if (input.limits !== undefined) await this.limits.setLimitsOf(`key:${created.record.id}`, app.tenantId, input.limits);
    const view = await this.view(created.record);
    await this.d.audit.record(caller, 'key.create', { type: 'key', id: view.id, tenantId: view.tenantId }, undefined, view);
    await this.d.changed();
    return { ...view, key: created.key };
  }

  async update(caller: AdminCaller, id: string, patch: UpdateKeyInput): Promise<KeyView> {
    const old = await this.find(caller, id);
    assertCanWrite(caller, old.tenantId);
    this.assertFuture(patch.expiresAt);
    const before = await this.view(old);
    const next: ApiKeyRecord = { ...old, ...(patch.name !== undefined ? { name: patch.name } : {}) };
    if (patch.allowedModels === null || (patch.allowedModels !== undefined && patch.allowedModels.length === 0)) delete next.allowedModels;
    else if (patch.allowedModels !== undefined) next.allowedModels = patch.allowedModels;
    if (patch.expiresAt === null) delete next.expiresAt;
    else if (patch.expiresAt !== undefined) next.expiresAt = patch.expiresAt;
    await this.d.store.updateApiKey(next);
    if (patch.limits !== undefined) await this.limits.setLimitsOf(`key:${id}`, old.tenantId, patch.limits);
    const view = await this.view(next);
    await this.d.audit.record(caller, 'key.update', { type: 'key', id, tenantId: old.tenantId }, before, view);
    await this.d.changed();
    return view;
  }

  /** Idempotent: a revoked key keeps its first revocation time. Takes effect on the next request. */
  async revoke(caller: AdminCaller, id: string): Promise<KeyView> {
    const old = await this.find(caller, id);
    assertCanWrite(caller, old.tenantId);
    if (old.revokedAt !== undefined) return this.view(old);
    const next = { ...old, revokedAt: this.d.now() };
    await this.d.store.updateApiKey(next);
    const view = await this.view(next);
    await this.d.audit.record(caller, 'key.revoke', { type: 'key', id, tenantId: old.tenantId }, await this.view(old), view);
    await this.d.changed();
    return view;
  }

  async rotate(caller: AdminCaller, id: string, gracePeriodSeconds = 0): Promise<IssuedKey> {
    const old = await this.find(caller, id);
    assertCanWrite(caller, old.tenantId);
    if (this.statusOf(old) !== 'active') throw new HubError('conflict', `Key "${id}" is ${this.statusOf(old)}; only an active key can be rotated.`);
    const limits = await this.limits.limitsOf(`key:${id}`);
    const created = await createVirtualKey(
      this.d.store,
      {
        tenantId: old.tenantId, appId: old.appId, name: old.name,
        ...(old.allowedModels !== undefined ? { allowedModels: old.allowedModels } : {}),
        ...(old.expiresAt !== undefined ? { expiresAt: old.expiresAt } : {}),
      },
      this.d.now,
    );
    if (limits !== undefined) await this.limits.setLimitsOf(`key:${created.record.id}`, old.tenantId, limits);
    const now = this.d.now();
    const graceEnd = now + gracePeriodSeconds * 1000;
    const retired: ApiKeyRecord =
      gracePeriodSeconds === 0 ? { ...old, revokedAt: now } : { ...old, expiresAt: Math.min(old.expiresAt ?? graceEnd, graceEnd) };
    await this.d.store.updateApiKey(retired);
    const view = await this.view(created.record);
    await this.d.audit.record(caller, 'key.rotate', { type: 'key', id, tenantId: old.tenantId }, await this.view(old), { retired: await this.view(retired), replacement: view });
    await this.d.changed();
    return { ...view, key: created.key, rotatedFrom: id };
  }
}
