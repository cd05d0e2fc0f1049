/**
 * The storage port: configuration records and the usage ledger. One Kysely implementation
 * serves SQLite and PostgreSQL (src/storage/); one contract suite (test/contract/) runs
 * against both. Every method is parameterised; none is called on the request path except
 * through the batched LedgerWriter and the catalog reload.
 */
import type {
  AdminTokenRecord,
  AdminUser,
  AuditEvent,
  BudgetRecord,
  RateLimitRecord,
  StoredCredential,
  ApiKeyRecord,
  App,
  Deployment,
  ModelAlias,
  ProviderRecord,
  Tenant,
  UsageEvent,
} from './domain.js';

export interface UsageQuery {
  from?: number;
  to?: number;
  tenantId?: string;
  appId?: string;
  keyId?: string;
  requestId?: string;
  /** Undefined: every matching row. Rows are ordered by `startedAt`, then insertion order. */
  limit?: number;
}

export interface HubStore {
  /** Runs pending migrations; idempotent. */
  migrate(): Promise<void>;

  listProviders(): Promise<ProviderRecord[]>;
  upsertProvider(record: ProviderRecord): Promise<void>;
  deleteProvider(id: string): Promise<void>;

  listDeployments(): Promise<Deployment[]>;
  upsertDeployment(record: Deployment): Promise<void>;
  deleteDeployment(id: string): Promise<void>;

  listAliases(): Promise<ModelAlias[]>;
  upsertAlias(record: ModelAlias): Promise<void>;
  deleteAlias(name: string): Promise<void>;

  listTenants(): Promise<Tenant[]>;
  upsertTenant(record: Tenant): Promise<void>;

  listApps(): Promise<App[]>;
  upsertApp(record: App): Promise<void>;

  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Fails with a unique-violation if id or hash exists. */
  insertApiKey(record: ApiKeyRecord): Promise<void>;
  updateApiKey(record: ApiKeyRecord): Promise<void>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;

  /**
   * Appends ledger rows in one transaction. `(requestId, attempt)` identifies a row: a row
   * whose pair is already stored is skipped, so a retried batch never duplicates.
   */
  insertUsage(events: UsageEvent[]): Promise<void>;
  queryUsage(query: UsageQuery): Promise<UsageEvent[]>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  listAdminUsers(): Promise<AdminUser[]>;
  findAdminUserByUsername(username: string): Promise<AdminUser | undefined>;
  /** Fails with a unique-violation if id or username exists. */
  insertAdminUser(record: AdminUser): Promise<void>;
  updateAdminUser(record: AdminUser): Promise<void>;

  close(): Promise<void>;
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  tenantId?: string;
  /** Inclusive lower bound of `at` (epoch ms). */
  from?: number;
  /** Exclusive upper bound of `at`. */
  to?: number;
  /** Only events with an id below this (pagination; newest first). */
  beforeId?: number;
  limit: number;
}

/**
 * Storage for the admin API (issue 3): sessions and admin tokens, the audit log, encrypted
 * provider credentials, budget and rate-limit definitions, and the admin-only operations the
 * HubStore lacks. Implemented next to HubStore on the same database (storage/sql/admin-store.ts).
 */
export interface AdminStore {
  /** Marks the user disabled (a number) or enabled again (undefined). */
  setAdminUserDisabled(userId: string, disabledAt: number | undefined): Promise<void>;
  /** Users with `disabledAt` filled in (HubStore.listAdminUsers does not read it). */
  listAdminUsersWithState(): Promise<AdminUser[]>;

  insertAdminToken(record: AdminTokenRecord): Promise<void>;
  findAdminTokenByHash(hash: string): Promise<AdminTokenRecord | undefined>;
  listAdminTokens(userId?: string): Promise<AdminTokenRecord[]>;
  revokeAdminToken(id: string, at: number): Promise<void>;
  /** Revokes every unrevoked session (not API token) of the user. */
  revokeAdminSessions(userId: string, at: number): Promise<void>;
  /** Deletes sessions that expired before `now`; returns how many. */
  pruneAdminSessions(now: number): Promise<number>;

  insertAudit(event: AuditEvent): Promise<number>;
  /** Newest first. */
  queryAudit(query: AuditQuery): Promise<AuditEvent[]>;

  putCredential(record: StoredCredential): Promise<void>;
  getCredential(providerId: string): Promise<StoredCredential | undefined>;
  listCredentials(): Promise<StoredCredential[]>;
  deleteCredential(providerId: string): Promise<void>;

  listBudgets(): Promise<BudgetRecord[]>;
  upsertBudget(record: BudgetRecord): Promise<void>;
  deleteBudget(id: string): Promise<void>;

  listRateLimits(): Promise<RateLimitRecord[]>;
  upsertRateLimit(record: RateLimitRecord): Promise<void>;
  deleteRateLimit(scope: string): Promise<void>;

  /** Deletes a tenant row (callers check it has no apps). */
  deleteTenant(id: string): Promise<void>;
  /** Deletes an app row (callers check it has no active keys). */
  deleteApp(id: string): Promise<void>;
}
