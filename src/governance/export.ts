/**
 * `exportHubFile`: the database as an equivalent hub file. Provider credentials appear only as
 * `env:NAME` references and keys only as `hash` + `prefix` — never a secret. Applying the
 * output to the same database changes nothing.
 */
import { stringify } from 'yaml';
import type { ApiKeyRecord, Deployment, ProviderRecord } from '../core/domain.js';
import type { HubStore } from '../core/store.js';
import { microsToDecimalText } from '../config/config-money.js';

const camelToSnake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const snakeOptions = (o: Record<string, string | number | boolean>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camelToSnake(k), v]));
const money = (micros: number) => Number(microsToDecimalText(micros));
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const nonEmpty = <T extends object>(o: T | undefined) => (o !== undefined && Object.keys(o).length > 0 ? o : undefined);

function providerEntry(p: ProviderRecord) {
  return {
    id: p.id,
    kind: p.kind,
    base_url: p.baseUrl,
    api_key: p.credentialRef?.startsWith('env:') === true ? p.credentialRef : undefined,
    headers: nonEmpty(p.headers),
    options: nonEmpty(snakeOptions(p.options)),
    allow_private_network: p.allowPrivateNetwork ? true : undefined,
  };
}

function deploymentEntry(d: Deployment) {
  const price = d.price === undefined ? undefined : {
    currency: d.price.currency,
    input: money(d.price.inputPerMTok),
    output: money(d.price.outputPerMTok),
    cached_input: d.price.cachedInputPerMTok === undefined ? undefined : money(d.price.cachedInputPerMTok),
    cache_write: d.price.cacheWritePerMTok === undefined ? undefined : money(d.price.cacheWritePerMTok),
  };
  return {
    id: d.id, provider: d.providerId, model: d.model, tier: d.tier, capabilities: d.capabilities,
    context_window: d.contextWindow, max_output_tokens: d.maxOutputTokens, price, limits: nonEmpty(d.limits),
    weight: d.weight, quality: d.quality, status: d.status, options: nonEmpty(d.options === undefined ? undefined : snakeOptions(d.options)),
  };
}

function keyEntry(k: ApiKeyRecord) {
  return {
    id: k.id, name: k.name, tenant: k.tenantId, app: k.appId, hash: `sha256:${k.hash}`, prefix: k.prefix,
    allowed_models: k.allowedModels, expires_at: iso(k.expiresAt), revoked_at: iso(k.revokedAt),
  };
}

export async function exportHubFile(store: HubStore): Promise<string> {
  const [providers, deployments, aliases, tenants, apps, keys] = await Promise.all([
    store.listProviders(), store.listDeployments(), store.listAliases(), store.listTenants(), store.listApps(), store.listApiKeys(),
  ]);
  const doc = {
    version: 1,
    providers: providers.map(providerEntry),
    deployments: deployments.map(deploymentEntry),
    aliases: aliases.map((a) => ({
      name: a.name, description: a.description,
      members: a.members.map((m) => ({ deployment: m.deploymentId, weight: m.weight, canary: m.canary === true ? true : undefined })),
    })),
    tenants: tenants.map((t) => ({ id: t.id, name: t.name, status: t.status })),
    apps: apps.map((a) => ({
      id: a.id, tenant: a.tenantId, name: a.name,
      defaults: nonEmpty({ biz_level: a.defaults.bizLevel, prefer_cost: a.defaults.costPreference, allowed_models: a.defaults.allowedModels, capabilities: a.defaults.capabilities, cache: a.defaults.cache ? { ttl_seconds: a.defaults.cache.ttlSeconds } : undefined }),
    })),
    keys: keys.map(keyEntry),
  };
  const header = '# Zhongshu hub file exported from the database. Secrets are never exported:\n# providers show env references, keys show only their hash and display prefix.\n';
  return header + stringify(doc, { lineWidth: 0 });
}
