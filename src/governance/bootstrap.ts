/**
 * Bootstrap of the embedded default.
 * First start (meta `bootstrap.completed_at` absent): tenant `default` + app `default`, the
 * demo virtual key (ZHONGSHU_DEMO_KEY or generated), the admin user `admin` (password from
 * ZHONGSHU_ADMIN_PASSWORD or generated, stored as a scrypt hash).
 * Every start: seed the simulator (when ZHONGSHU_SIMULATOR) and each provider whose API-key
 * variable is set — once per preset (meta `seeded.<name>`), creating only what is absent, so
 * operator edits and deletions are never overwritten or undone.
 */
import { randomUUID } from 'node:crypto';
import type { Deployment, ModelAlias, ProviderRecord } from '../core/domain.js';
import type { Logger } from '../core/ports.js';
import type { HubStore } from '../core/store.js';
import type { EnvProvider, HubEnv } from '../config/env.js';
import { generateAdminPassword, hashAdminPassword } from './admin-password.js';
import { envProviderDeployments, SIMULATOR_PROVIDER_ID, simulatorAliases, simulatorDeployments } from './governance-presets.js';
import { displayPrefix, generateVirtualKey, hashVirtualKey } from './keys.js';

export const DEFAULT_TENANT_ID = 'default';
export const DEFAULT_APP_ID = 'default';
export const DEMO_KEY_ID = 'demo';
export const BOOTSTRAP_ADMIN_USERNAME = 'admin';
const BOOTSTRAP_META = 'bootstrap.completed_at';

export interface BootstrapResult {
  /** True only on the first start of this database. */
  firstStart: boolean;
  /** The generated demo key — first start only, and only when not given by ZHONGSHU_DEMO_KEY. Print once. */
  demoKey?: string;
  /** Display prefix of the demo key (first start), safe to print. */
  demoKeyPrefix?: string;
  /** The generated admin password — first start only, and only when not given by ZHONGSHU_ADMIN_PASSWORD. Print once. */
  adminPassword?: string;
  adminUsername?: string;
  /** Ids of what was seeded on this start (providers, deployments, aliases). */
  seeded: string[];
}

export interface BootstrapOptions {
  now?: () => number;
  logger?: Logger;
}

type BootstrapEnv = Pick<HubEnv, 'demoKey' | 'adminPassword' | 'simulator' | 'envProviders'>;

export async function bootstrapHub(store: HubStore, env: BootstrapEnv, opts: BootstrapOptions = {}): Promise<BootstrapResult> {
  const now = opts.now ?? Date.now;
  const result: BootstrapResult = { firstStart: false, seeded: [] };
  if ((await store.getMeta(BOOTSTRAP_META)) === undefined) {
    result.firstStart = true;
    await ensureDefaultTenant(store, now());
    Object.assign(result, await createDemoKey(store, env.demoKey, now()));
    Object.assign(result, await createBootstrapAdmin(store, env.adminPassword, now()));
    await store.setMeta(BOOTSTRAP_META, String(now()));
  }
  if (env.simulator) {
    const provider: ProviderRecord = { id: SIMULATOR_PROVIDER_ID, kind: 'simulator', headers: {}, options: {}, allowPrivateNetwork: false };
    result.seeded.push(...(await seedOnce(store, 'simulator', provider, simulatorDeployments(), simulatorAliases())));
  }
  for (const p of env.envProviders) result.seeded.push(...(await seedEnvProvider(store, p)));
  if (result.seeded.length > 0) opts.logger?.info({ seeded: result.seeded }, 'bootstrap seeded configuration');
  return result;
}

async function ensureDefaultTenant(store: HubStore, now: number): Promise<void> {
  if (!(await store.listTenants()).some((t) => t.id === DEFAULT_TENANT_ID)) {
    await store.upsertTenant({ id: DEFAULT_TENANT_ID, name: 'Default tenant', status: 'active', createdAt: now });
  }
  if (!(await store.listApps()).some((a) => a.id === DEFAULT_APP_ID)) {
    await store.upsertApp({ id: DEFAULT_APP_ID, tenantId: DEFAULT_TENANT_ID, name: 'Default app', defaults: {}, createdAt: now });
  }
}

/** A concurrent first start on another node may win the insert; then this node shows nothing. */
async function insertOrLose(insert: () => Promise<void>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch {
    return false;
  }
}

async function createDemoKey(store: HubStore, fromEnv: string | undefined, now: number): Promise<Partial<BootstrapResult>> {
  if ((await store.listApiKeys()).some((k) => k.id === DEMO_KEY_ID)) return {};
  const key = fromEnv ?? generateVirtualKey();
  const record = { id: DEMO_KEY_ID, tenantId: DEFAULT_TENANT_ID, appId: DEFAULT_APP_ID, name: 'Demo key', prefix: displayPrefix(key), hash: hashVirtualKey(key), createdAt: now };
  if (!(await insertOrLose(() => store.insertApiKey(record)))) return {};
  return fromEnv === undefined ? { demoKey: key, demoKeyPrefix: record.prefix } : { demoKeyPrefix: record.prefix };
}

async function createBootstrapAdmin(store: HubStore, fromEnv: string | undefined, now: number): Promise<Partial<BootstrapResult>> {
  if ((await store.findAdminUserByUsername(BOOTSTRAP_ADMIN_USERNAME)) !== undefined) return {};
  const password = fromEnv ?? generateAdminPassword();
  const user = { id: randomUUID(), username: BOOTSTRAP_ADMIN_USERNAME, passwordHash: await hashAdminPassword(password), role: 'platform_admin' as const, createdAt: now };
  if (!(await insertOrLose(() => store.insertAdminUser(user)))) return {};
  return fromEnv === undefined ? { adminUsername: user.username, adminPassword: password } : { adminUsername: user.username };
}

/** Creates the provider, deployments and aliases that are absent, once per preset name. */
async function seedOnce(store: HubStore, preset: string, provider: ProviderRecord, deployments: Deployment[], aliases: ModelAlias[]): Promise<string[]> {
  const flag = `seeded.${preset}`;
  if ((await store.getMeta(flag)) !== undefined) return [];
  const created: string[] = [];
  if ((await store.listProviders()).some((p) => p.id === provider.id)) {
    // The operator already defined a provider with this id: do not attach presets to it.
    await store.setMeta(flag, 'skipped: provider exists');
    return created;
  }
  await store.upsertProvider(provider);
  created.push(`provider:${provider.id}`);
  const existingDeployments = new Set((await store.listDeployments()).map((d) => d.id));
  for (const d of deployments.filter((x) => !existingDeployments.has(x.id))) {
    await store.upsertDeployment(d);
    created.push(`deployment:${d.id}`);
  }
  const taken = new Set([...(await store.listAliases()).map((a) => a.name), ...existingDeployments, ...deployments.map((d) => d.id)]);
  for (const a of aliases.filter((x) => !taken.has(x.name))) {
    await store.upsertAlias(a);
    created.push(`alias:${a.name}`);
  }
  await store.setMeta(flag, 'done');
  return created;
}

/** An env-switched provider: its deployments, plus an alias per upstream model name (`gpt-4o`). */
function seedEnvProvider(store: HubStore, p: EnvProvider): Promise<string[]> {
  const provider: ProviderRecord = { id: p.id, kind: p.kind, credentialRef: `env:${p.apiKeyVar}`, headers: {}, options: {}, allowPrivateNetwork: false, ...(p.baseUrl !== undefined ? { baseUrl: p.baseUrl } : {}) };
  const deployments = envProviderDeployments(p.id);
  const aliases = deployments.map((d) => ({ name: d.model, members: [{ deploymentId: d.id, weight: 1 }] }));
  return seedOnce(store, `provider.${p.id}`, provider, deployments, aliases);
}
