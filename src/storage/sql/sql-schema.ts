/**
 * Kysely table types for the hub database (SQLite and PostgreSQL share one schema).
 * Column names are snake_case; JSON values are stored as text; booleans as 0/1 integers;
 * money and epoch-millisecond columns are 64-bit integers returned as JS numbers.
 */
import type { Generated } from 'kysely';

export interface TenantsTable {
  id: string;
  name: string;
  status: string;
  created_at: number;
}

export interface AppsTable {
  id: string;
  tenant_id: string;
  name: string;
  /** JSON of AppDefaults. */
  defaults: string;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  app_id: string;
  name: string;
  prefix: string;
  hash: string;
  /** JSON string[] or null. */
  allowed_models: string | null;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

export interface ProvidersTable {
  id: string;
  kind: string;
  base_url: string | null;
  credential_ref: string | null;
  /** JSON Record<string,string>. */
  headers: string;
  /** JSON Record<string, string|number|boolean>. */
  options: string;
  allow_private_network: number;
}

export interface DeploymentsTable {
  id: string;
  provider_id: string;
  model: string;
  tier: string;
  /** JSON string[]. */
  capabilities: string;
  context_window: number;
  max_output_tokens: number | null;
  /** JSON Price (integer micro-units) or null when unpriced. */
  price: string | null;
  /** JSON DeploymentLimits. */
  limits: string;
  weight: number;
  quality: number | null;
  status: string;
  /** JSON Record<string, string|number|boolean>. */
  options: string;
}

export interface AliasesTable {
  name: string;
  description: string | null;
}

export interface AliasMembersTable {
  alias_name: string;
  deployment_id: string;
  position: number;
  weight: number;
  canary: number;
}

export interface UsageEventsTable {
  id: Generated<number>;
  request_id: string;
  attempt: number;
  started_at: number;
  finished_at: number;
  tenant_id: string;
  app_id: string;
  key_id: string;
  end_user: string | null;
  plugin: string | null;
  prompt_ref: string | null;
  requested_model: string;
  deployment_id: string;
  provider_id: string;
  upstream_model: string;
  decision: string | null;
  biz_level: string | null;
  stream: number;
  status: string;
  error_code: string | null;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  usage_source: string;
  cost_micros: number;
  currency: string;
  unpriced: number;
  latency_ms: number;
  ttft_ms: number | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface AdminUsersTable {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  tenant_id: string | null;
  created_at: number;
}

export interface HubDatabase {
  tenants: TenantsTable;
  apps: AppsTable;
  api_keys: ApiKeysTable;
  providers: ProvidersTable;
  deployments: DeploymentsTable;
  aliases: AliasesTable;
  alias_members: AliasMembersTable;
  usage_events: UsageEventsTable;
  meta: MetaTable;
  admin_users: AdminUsersTable;
}
