/**
 * `createAdminServices`: every admin service over one HubStore + AdminStore, shared by the
 * admin HTTP API, the CLI and (later) YAML apply.
 */
import type { Logger } from '../../core/ports.js';
import type { AdminStore, HubStore } from '../../core/store.js';
import type { RateLimiter } from '../../gateway/limits/rate-limit.js';
import { AdminAuth } from './admin-auth.js';
import { AuditLog } from './admin-audit.js';
import { CredentialVault } from './admin-credentials.js';
import { AliasService, DeploymentService } from './admin-deployments.js';
import { AppService } from './admin-apps.js';
import { KeyService } from './admin-keys.js';
import { LimitsService } from './admin-limits.js';
import { ProviderService } from './admin-providers.js';
import { TenantService } from './admin-tenants.js';
import { AdminUserService } from './admin-users.js';

export interface AdminServicesOptions {
  store: HubStore;
  adminStore: AdminStore;
  /** ZHONGSHU_MASTER_KEY first, then older keys still able to decrypt. Empty: storing credentials fails with a clear error. */
  masterKeys: readonly string[];
  /** Rebuilds the catalog after a configuration write (e.g. `catalog.reload`). */
  onConfigChanged: () => Promise<void>;
  /** Limits login attempts (a memory limiter is fine on one node). */
  loginLimiter: RateLimiter;
  loginAttemptsPerMinute?: number;
  sessionTtlMs?: number;
  /** Adapter kinds providers may use (e.g. the adapter registry's keys); undefined accepts any. */
  providerKinds?: readonly string[];
  now?: () => number;
  logger?: Logger;
}

export interface AdminServices {
  auth: AdminAuth;
  audit: AuditLog;
  vault: CredentialVault;
  tenants: TenantService;
  apps: AppService;
  keys: KeyService;
  users: AdminUserService;
  providers: ProviderService;
  deployments: DeploymentService;
  aliases: AliasService;
  limits: LimitsService;
}

export function createAdminServices(o: AdminServicesOptions): AdminServices {
  const now = o.now ?? Date.now;
  const audit = new AuditLog(o.adminStore, now);
  const deps = { store: o.store, adminStore: o.adminStore, audit, now, changed: o.onConfigChanged };
  const vault = new CredentialVault(o.adminStore, o.masterKeys, now);
  const limits = new LimitsService(deps);
  return {
    auth: new AdminAuth({
      store: o.store, adminStore: o.adminStore, audit, loginLimiter: o.loginLimiter, now,
      ...(o.loginAttemptsPerMinute !== undefined ? { loginAttemptsPerMinute: o.loginAttemptsPerMinute } : {}),
      ...(o.sessionTtlMs !== undefined ? { sessionTtlMs: o.sessionTtlMs } : {}),
      ...(o.logger !== undefined ? { logger: o.logger } : {}),
    }),
    audit,
    vault,
    tenants: new TenantService(deps),
    apps: new AppService(deps, limits),
    keys: new KeyService(deps, limits),
    users: new AdminUserService(o.store, o.adminStore, audit, now),
    providers: new ProviderService(deps, vault, o.providerKinds),
    deployments: new DeploymentService(deps),
    aliases: new AliasService(deps),
    limits,
  };
}
