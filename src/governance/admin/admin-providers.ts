/**
 * Providers and their stored credentials (platform admins write; platform-wide callers read).
 * A provider's secret is either `env:NAME` (read by the hub at start) or `stored`: given as
 * `apiKey` here, encrypted at rest, shown only as a mask.
 */
import type { ProviderRecord } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import { assertPlatformAdmin, assertPlatformReader, notFound, type AdminCaller } from './admin-caller.js';
import type { CredentialVault, CredentialView } from './admin-credentials.js';
import type { AdminServiceDeps } from './admin-deps.js';
import { paginate, type Page, type PageRequest } from './admin-page.js';
import { redactHeaders } from './admin-redact.js';

export interface ProviderView extends ProviderRecord {
  /** The stored credential's mask (credentialRef `stored`), else null. */
  credential: CredentialView | null;
}

export interface CreateProviderInput extends Omit<ProviderRecord, 'credentialRef' | 'headers' | 'options' | 'allowPrivateNetwork'> {
  headers?: Record<string, string>;
  options?: Record<string, string | number | boolean>;
  allowPrivateNetwork?: boolean;
  /** `env:NAME` only; `stored` is set by giving `apiKey`. */
  credentialRef?: string;
  /** Stored encrypted (needs ZHONGSHU_MASTER_KEY). */
  apiKey?: string;
}

export interface UpdateProviderInput {
  kind?: string;
  baseUrl?: string | null;
  headers?: Record<string, string>;
  options?: Record<string, string | number | boolean>;
  allowPrivateNetwork?: boolean;
  /** `env:NAME`, or null for none (also deletes a stored credential). */
  credentialRef?: string | null;
  apiKey?: string;
}

export class ProviderService {
  constructor(
    private readonly d: AdminServiceDeps,
    private readonly vault: CredentialVault,
    /** Adapter kinds the hub has; undefined accepts any kind. */
    private readonly kinds?: readonly string[],
  ) {}

  private assertKind(kind: string | undefined): void {
    if (kind === undefined || this.kinds === undefined || this.kinds.includes(kind)) return;
    throw new HubError('invalid_request', `Invalid value at 'kind': unknown provider kind "${kind}"; expected one of ${this.kinds.join(', ')}.`, { param: 'kind' });
  }

  private async view(p: ProviderRecord): Promise<ProviderView> {
    const credential = p.credentialRef === 'stored' ? ((await this.vault.view(p.id)) ?? null) : null;
    return { ...p, headers: redactHeaders(p.headers), credential };
  }

  private async find(id: string): Promise<ProviderRecord> {
    const p = (await this.d.store.listProviders()).find((x) => x.id === id);
    if (p === undefined) throw notFound('provider', id);
    return p;
  }

  async list(caller: AdminCaller, filter: { kind?: string }, page: PageRequest): Promise<Page<ProviderView>> {
    assertPlatformReader(caller);
    const p = paginate((await this.d.store.listProviders()).filter((x) => filter.kind === undefined || x.kind === filter.kind), page);
    return { ...p, data: await Promise.all(p.data.map((x) => this.view(x))) };
  }

  async get(caller: AdminCaller, id: string): Promise<ProviderView> {
    assertPlatformReader(caller);
    return this.view(await this.find(id));
  }

  private assertRef(credentialRef: string | null | undefined, apiKey: string | undefined): void {
    if (credentialRef !== undefined && credentialRef !== null && !/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(credentialRef)) {
      throw new HubError('invalid_request', "Invalid value at 'credentialRef': expected env:NAME (give the secret itself as apiKey to store it encrypted).", { param: 'credentialRef' });
    }
    if (apiKey !== undefined && credentialRef !== undefined) {
      throw new HubError('invalid_request', "Invalid value at 'apiKey': give either apiKey (stored encrypted) or credentialRef, not both.", { param: 'apiKey' });
    }
  }

  async create(caller: AdminCaller, input: CreateProviderInput): Promise<ProviderView> {
    assertPlatformAdmin(caller);
    this.assertKind(input.kind);
    this.assertRef(input.credentialRef, input.apiKey);
    if ((await this.d.store.listProviders()).some((p) => p.id === input.id)) throw new HubError('conflict', `A provider "${input.id}" already exists.`);
    const { apiKey, credentialRef, ...rest } = input;
    const record: ProviderRecord = {
      ...rest, headers: input.headers ?? {}, options: input.options ?? {}, allowPrivateNetwork: input.allowPrivateNetwork ?? false,
      ...(apiKey !== undefined ? { credentialRef: 'stored' } : credentialRef !== undefined ? { credentialRef } : {}),
    };
    if (apiKey !== undefined) await this.vault.store(record.id, apiKey);
    await this.d.store.upsertProvider(record);
    const view = await this.view(record);
    await this.d.audit.record(caller, 'provider.create', { type: 'provider', id: record.id }, undefined, view);
    await this.d.changed();
    return view;
  }

  async update(caller: AdminCaller, id: string, patch: UpdateProviderInput): Promise<ProviderView> {
    assertPlatformAdmin(caller);
    this.assertKind(patch.kind);
    this.assertRef(patch.credentialRef, patch.apiKey);
    const old = await this.find(id);
    const before = await this.view(old);
    const { apiKey, credentialRef, baseUrl, ...rest } = patch;
    const next: ProviderRecord = { ...old, ...rest };
    if (baseUrl === null) delete next.baseUrl;
    else if (baseUrl !== undefined) next.baseUrl = baseUrl;
    if (apiKey !== undefined) {
      await this.vault.store(id, apiKey);
      next.credentialRef = 'stored';
    } else if (credentialRef !== undefined) {
      if (credentialRef === null) delete next.credentialRef;
      else next.credentialRef = credentialRef;
      await this.vault.remove(id);
    }
    await this.d.store.upsertProvider(next);
    const view = await this.view(next);
    await this.d.audit.record(caller, apiKey !== undefined ? 'provider.update_credential' : 'provider.update', { type: 'provider', id }, before, view);
    await this.d.changed();
    return view;
  }

  async delete(caller: AdminCaller, id: string): Promise<void> {
    assertPlatformAdmin(caller);
    const old = await this.find(id);
    const used = (await this.d.store.listDeployments()).filter((d) => d.providerId === id).map((d) => d.id);
    if (used.length > 0) throw new HubError('conflict', `Provider "${id}" is used by deployment(s) ${used.join(', ')}: delete them first.`);
    const before = await this.view(old);
    await this.d.store.deleteProvider(id);
    await this.vault.remove(id);
    await this.d.audit.record(caller, 'provider.delete', { type: 'provider', id }, before, undefined);
    await this.d.changed();
  }

  /** PUT /providers/{id}/credential: store (or replace) the secret. */
  async putCredential(caller: AdminCaller, id: string, apiKey: string): Promise<CredentialView> {
    const view = await this.update(caller, id, { apiKey });
    return view.credential as CredentialView;
  }

  async getCredential(caller: AdminCaller, id: string): Promise<CredentialView> {
    assertPlatformReader(caller);
    await this.find(id);
    const view = await this.vault.view(id);
    if (view === undefined) throw notFound('stored credential of provider', id);
    return view;
  }

  async deleteCredential(caller: AdminCaller, id: string): Promise<void> {
    assertPlatformAdmin(caller);
    const old = await this.find(id);
    if (old.credentialRef !== 'stored') throw notFound('stored credential of provider', id);
    await this.update(caller, id, { credentialRef: null });
  }
}
