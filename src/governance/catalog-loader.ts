/**
 * The catalog holder: builds an immutable Catalog snapshot from the store (at start and on
 * `reload()`, e.g. after an admin write or a change notice) and resolves provider secrets from
 * `env:NAME` references. A missing variable leaves that provider without a secret and logs a
 * warning naming the variable — calls to it then fail with the upstream's auth error.
 */
import type { ApiKeyRecord, ProviderRecord } from '../core/domain.js';
import type { Catalog, CatalogSource } from '../core/catalog.js';
import type { Logger } from '../core/ports.js';
import type { AdminStore, HubStore } from '../core/store.js';

export interface CatalogHolder extends CatalogSource {
  /** Rebuilds the snapshot from the store; the previous one stays current if this fails. */
  reload(): Promise<void>;
}

export interface CatalogHolderOptions {
  /** Where stored rate limits and budgets come from (the admin store); none when omitted. */
  limits?: Pick<AdminStore, 'listRateLimits' | 'listBudgets'>;
  logger?: Logger;
  /** ZHONGSHU_ALLOW_PRIVATE_UPSTREAMS: every provider may reach private addresses. */
  allowPrivateUpstreams?: boolean;
  /**
   * Decrypts a credential stored in the database (credentialRef `stored`), e.g.
   * `storedSecretResolver(vault)` from governance/admin. Without it such providers get no secret.
   */
  resolveStoredSecret?: (provider: ProviderRecord) => Promise<string | undefined>;
}

function freezeMap<K, V extends object>(entries: Iterable<readonly [K, V]>): ReadonlyMap<K, V> {
  return new Map([...entries].map(([k, v]) => [k, Object.freeze(v)] as const));
}

/** Secret for one provider, or undefined (with the reason, never the value). */
async function resolveSecret(provider: ProviderRecord, env: Record<string, string | undefined>, opts: CatalogHolderOptions): Promise<{ secret?: string; problem?: string }> {
  const ref = provider.credentialRef;
  if (ref === undefined) return {};
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const value = env[name]?.trim();
    return value === undefined || value === '' ? { problem: `environment variable ${name} is not set` } : { secret: value };
  }
  if (ref === 'stored' && opts.resolveStoredSecret !== undefined) {
    try {
      const secret = await opts.resolveStoredSecret(provider);
      return secret === undefined || secret === '' ? { problem: 'no stored credential' } : { secret };
    } catch (err) {
      return { problem: `stored credential unreadable (${err instanceof Error ? err.message : 'error'})` };
    }
  }
  return { problem: `credential reference "${ref.split(':')[0] ?? ''}" cannot be resolved (expected env:NAME, or stored with a master key)` };
}

export async function createCatalogHolder(store: HubStore, env: Record<string, string | undefined>, opts: CatalogHolderOptions = {}): Promise<CatalogHolder> {
  let version = 0;
  const build = async (): Promise<Catalog> => {
    // Numbered before the reads, so a slower, older rebuild never replaces a newer snapshot.
    const myVersion = ++version;
    const [providers, deployments, aliases, tenants, apps, keys, rateLimits, budgets] = await Promise.all([
      store.listProviders(), store.listDeployments(), store.listAliases(), store.listTenants(), store.listApps(), store.listApiKeys(),
      opts.limits?.listRateLimits() ?? [], opts.limits?.listBudgets() ?? [],
    ]);
    const secrets = new Map<string, string>();
    for (const p of providers) {
      const { secret, problem } = await resolveSecret(p, env, opts);
      if (secret !== undefined) secrets.set(p.id, secret);
      if (problem !== undefined) opts.logger?.warn({ provider: p.id }, `provider ${p.id} has no usable credential: ${problem}`);
    }
    const effective = opts.allowPrivateUpstreams === true ? providers.map((p) => ({ ...p, allowPrivateNetwork: true })) : providers;
    return Object.freeze({
      version: myVersion,
      providers: freezeMap(effective.map((p) => [p.id, p] as const)),
      deployments: freezeMap(deployments.map((d) => [d.id, d] as const)),
      aliases: freezeMap(aliases.map((a) => [a.name, a] as const)),
      tenants: freezeMap(tenants.map((t) => [t.id, t] as const)),
      apps: freezeMap(apps.map((a) => [a.id, a] as const)),
      keysByHash: freezeMap(keys.map((k: ApiKeyRecord) => [k.hash, k] as const)),
      secrets,
      rateLimits: freezeMap(rateLimits.map((r) => [r.scope, r] as const)),
      budgets: Object.freeze(budgets.map((b) => Object.freeze(b))),
    });
  };
  let current = await build();
  return {
    current: () => current,
    async reload() {
      const next = await build();
      if (next.version > current.version) current = next;
    },
  };
}
