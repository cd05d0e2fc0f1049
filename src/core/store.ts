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

/**
 * Dimensions of the usage analytics (issue 3 §6). `model` is the model the client asked for
 * (alias, deployment id or `auto`); `upstream_model` the model name the served deployment used;
 * `prompt` the prompt ref (`id@version`).
 */
export type UsageDimension =
  | 'tenant' | 'app' | 'key' | 'end_user' | 'model' | 'upstream_model' | 'deployment'
  | 'provider' | 'biz_level' | 'plugin' | 'prompt' | 'status' | 'currency';

export const USAGE_DIMENSIONS: readonly UsageDimension[] = [
  'tenant', 'app', 'key', 'end_user', 'model', 'upstream_model', 'deployment',
  'provider', 'biz_level', 'plugin', 'prompt', 'status', 'currency',
];

/** Additive sums over ledger rows; every field is an exact integer. */
export interface UsageMetrics {
  /** Ledger rows with attempt 1 (first attempts: one per request that reached an upstream). */
  requests: number;
  /** Ledger rows (one per upstream attempt). */
  attempts: number;
  okCount: number;
  /** Rows whose status is not `ok`. */
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Integer micro-units of the row's currency (never summed across currencies). */
  costMicros: number;
  /** Rows flagged `unpriced` (cost 0 because the deployment has no price). */
  unpricedCount: number;
  latencyMsSum: number;
}

/**
 * How rows are labelled in time: not at all, uniform buckets (`originMs + k·sizeMs`), or
 * explicit ascending bucket starts (a row goes to the last start ≤ its `startedAt`).
 * Every boundary must be a whole UTC hour (hour rollups answer exactly only then).
 */
export type UsageBucketSpec =
  | { kind: 'none' }
  | { kind: 'uniform'; originMs: number; sizeMs: number }
  | { kind: 'starts'; starts: number[] };

export interface UsageGroupQuery {
  /** Inclusive lower bound of `startedAt` (epoch ms). */
  from: number;
  /** Exclusive upper bound of `startedAt`. */
  to: number;
  bucket: UsageBucketSpec;
  /** Grouping dimensions; `currency` is always added (money never adds across currencies). */
  groupBy: UsageDimension[];
  /** Rows must match one of the values of every given dimension. */
  filters: Partial<Record<UsageDimension, string[]>>;
}

export interface UsageGroupRow {
  /** Bucket start (epoch ms); undefined for `{ kind: 'none' }`. */
  bucketStart?: number;
  /** One entry per grouping dimension; null where the ledger field is absent. */
  dims: Partial<Record<UsageDimension, string | null>>;
  metrics: UsageMetrics;
}

export interface UsageEventQuery {
  from?: number;
  to?: number;
  requestId?: string;
  filters: Partial<Record<UsageDimension, string[]>>;
  /** Keyset pagination: rows strictly after this (startedAt, id). */
  after?: { startedAt: number; id: number };
  limit: number;
}

/** A ledger row with its storage id (for pagination). */
export interface StoredUsageEvent {
  id: number;
  event: UsageEvent;
}

/**
 * Read side of the usage ledger for analytics (storage/sql/usage-analytics-store.ts). Hour
 * rollups are maintained in the same transaction as `HubStore.insertUsage`, so grouped sums
 * equal sums over the raw rows exactly, for any [from, to) (partial edge hours are read from
 * the ledger itself).
 */
export interface UsageAnalyticsStore {
  /** Grouped sums over [from, to); rows ordered by bucket, then dimensions. */
  queryUsageGroups(query: UsageGroupQuery): Promise<UsageGroupRow[]>;
  /** Raw ledger rows ordered by (startedAt, id). */
  queryUsageEvents(query: UsageEventQuery): Promise<StoredUsageEvent[]>;
  /** Recomputes the rollups of the hours overlapping [from, to) (default: everything) from the ledger. */
  rebuildUsageRollups(range?: { from?: number; to?: number }): Promise<{ rollupRows: number }>;
}
