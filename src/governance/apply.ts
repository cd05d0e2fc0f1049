/**
 * `applyHubFile`: idempotent declarative upsert of a validated hub file into the store.
 * Objects in the file are created or updated to match; objects not in the file are left alone
 * (no pruning). Applying the same file twice reports no changes the second time.
 * Keys: only a hash and display prefix are stored; `secret: env:NAME` is hashed at apply time.
 * A revocation is sticky (a file without `revoked_at` never un-revokes a key), and a provider
 * whose credential is stored in the database keeps it when the file gives no `api_key`.
 */
import type { ApiKeyRecord, App, Tenant } from '../core/domain.js';
import type { HubStore } from '../core/store.js';
import { ConfigError } from '../config/config-error.js';
import type { HubFile, HubFileKey, KnownRecords } from '../config/hub-file.js';
import { sameRecord } from './governance-compare.js';
import { displayPrefix, hashVirtualKey, isWellFormedVirtualKey } from './keys.js';

/** Meta key `zhongshu apply` bumps after a change; running hubs poll it and reload their catalog. */
export const CONFIG_CHANGED_META = 'config.changed_at';

export type ApplyKind = 'tenant' | 'app' | 'provider' | 'deployment' | 'alias' | 'key';

export interface ApplyChange {
  kind: ApplyKind;
  id: string;
  action: 'create' | 'update';
}

export interface ApplySummary {
  /** What was (or, with dryRun, would be) created or updated, in apply order. */
  changes: ApplyChange[];
  unchanged: number;
  dryRun: boolean;
}

/** One applied change with its before/after records, for the audit log. */
export interface AppliedChange extends ApplyChange {
  before: unknown;
  after: unknown;
  tenantId?: string;
}

export interface ApplyOptions {
  /** Called after each write (not in dry runs): the caller records it in the audit log. */
  onChange?: (change: AppliedChange) => Promise<void>;
  /** Resolves `secret: env:NAME` of keys. Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Compute the changes without writing. */
  dryRun?: boolean;
  now?: () => number;
}

/**
 * Resolves a file key's hash and prefix; throws ConfigError naming the key, never the secret.
 * An unset variable for a key that already exists keeps the stored hash (apply from a machine
 * that does not hold the secret); for a new key it is an error.
 */
function keyHash(key: HubFileKey, index: number, env: Record<string, string | undefined>, existing: ApiKeyRecord | undefined): { hash: string; prefix: string } {
  if (key.secret.kind === 'hash') return { hash: key.secret.hash, prefix: key.secret.prefix };
  const value = env[key.secret.variable]?.trim();
  const path = `keys[${index}].secret`;
  if ((value === undefined || value === '') && existing !== undefined) return { hash: existing.hash, prefix: existing.prefix };
  if (value === undefined || value === '') {
    throw new ConfigError('hub file: cannot apply keys', [{ path, message: `environment variable ${key.secret.variable} is not set: expected it to hold the full virtual key` }]);
  }
  if (!isWellFormedVirtualKey(value)) {
    throw new ConfigError('hub file: cannot apply keys', [{ path, message: `environment variable ${key.secret.variable} does not hold a virtual key: expected "zs-" followed by 40 letters or digits` }]);
  }
  return { hash: hashVirtualKey(value), prefix: displayPrefix(value) };
}

/** Records the database already holds, so a file may reference them (hub-file validation). */
export async function knownRecords(store: HubStore): Promise<KnownRecords> {
  const [providers, deployments, tenants, apps] = await Promise.all([
    store.listProviders(), store.listDeployments(), store.listTenants(), store.listApps(),
  ]);
  return {
    providerIds: providers.map((p) => p.id),
    deploymentIds: deployments.map((d) => d.id),
    tenantIds: tenants.map((t) => t.id),
    appTenants: new Map(apps.map((a) => [a.id, a.tenantId])),
  };
}

function tenantOf(kind: ApplyKind, id: string, record: unknown): { tenantId?: string } {
  if (kind === 'tenant') return { tenantId: id };
  const tenantId = (record as { tenantId?: unknown }).tenantId;
  return typeof tenantId === 'string' ? { tenantId } : {};
}

export async function applyHubFile(store: HubStore, file: HubFile, opts: ApplyOptions = {}): Promise<ApplySummary> {
  const env = opts.env ?? process.env;
  const now = opts.now ?? Date.now;
  const dryRun = opts.dryRun === true;
  const summary: ApplySummary = { changes: [], unchanged: 0, dryRun };
  // Resolve every key hash before writing anything, so a missing variable changes nothing.
  const keys = new Map((await store.listApiKeys()).map((k) => [k.id, k]));
  const keyHashes = file.keys.map((k, i) => keyHash(k, i, env, keys.get(k.id)));

  const step = async <T>(kind: ApplyKind, id: string, existing: T | undefined, desired: T, write: () => Promise<void>): Promise<void> => {
    if (existing !== undefined && sameRecord(existing, desired)) {
      summary.unchanged += 1;
      return;
    }
    const change: ApplyChange = { kind, id, action: existing === undefined ? 'create' : 'update' };
    summary.changes.push(change);
    if (dryRun) return;
    await write();
    await opts.onChange?.({ ...change, before: existing, after: desired, ...tenantOf(kind, id, desired) });
  };

  const tenants = new Map((await store.listTenants()).map((t) => [t.id, t]));
  for (const t of file.tenants) {
    const old = tenants.get(t.id);
    const desired: Tenant = { ...t, createdAt: old?.createdAt ?? now() };
    await step('tenant', t.id, old, desired, () => store.upsertTenant(desired));
  }
  const apps = new Map((await store.listApps()).map((a) => [a.id, a]));
  for (const a of file.apps) {
    const old = apps.get(a.id);
    const desired: App = { ...a, createdAt: old?.createdAt ?? now() };
    await step('app', a.id, old, desired, () => store.upsertApp(desired));
  }
  const providers = new Map((await store.listProviders()).map((p) => [p.id, p]));
  for (const p of file.providers) {
    const old = providers.get(p.id);
    const desired = p.credentialRef === undefined && old?.credentialRef === 'stored' ? { ...p, credentialRef: 'stored' } : p;
    await step('provider', p.id, old, desired, () => store.upsertProvider(desired));
  }
  const deployments = new Map((await store.listDeployments()).map((d) => [d.id, d]));
  for (const d of file.deployments) await step('deployment', d.id, deployments.get(d.id), d, () => store.upsertDeployment(d));
  const aliases = new Map((await store.listAliases()).map((a) => [a.name, a]));
  for (const a of file.aliases) await step('alias', a.name, aliases.get(a.name), a, () => store.upsertAlias(a));

  for (const [i, k] of file.keys.entries()) {
    const old = keys.get(k.id);
    const { hash, prefix } = keyHashes[i] as { hash: string; prefix: string };
    const desired: ApiKeyRecord = {
      id: k.id, tenantId: k.tenantId, appId: k.appId, name: k.name, prefix, hash,
      allowedModels: k.allowedModels, expiresAt: k.expiresAt, revokedAt: k.revokedAt ?? old?.revokedAt, createdAt: old?.createdAt ?? now(),
    };
    await step('key', k.id, old, desired, () => (old === undefined ? store.insertApiKey(desired) : store.updateApiKey(desired)));
  }
  return summary;
}
