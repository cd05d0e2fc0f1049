/**
 * The storage port: configuration records and the usage ledger. One Kysely implementation
 * serves SQLite and PostgreSQL (src/storage/); one contract suite (test/contract/) runs
 * against both. Every method is parameterised; none is called on the request path except
 * through the batched LedgerWriter and the catalog reload.
 */
import type {
  AdminUser,
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
