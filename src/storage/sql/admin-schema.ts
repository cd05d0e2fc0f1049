/** Kysely table types of the admin API tables (migration 002-admin). */
import type { Generated } from 'kysely';
import type { HubDatabase } from './sql-schema.js';

export interface AdminTokensTable {
  id: string;
  kind: string;
  user_id: string;
  name: string | null;
  hash: string;
  prefix: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface AdminAuditTable {
  id: Generated<number>;
  at: number;
  request_id: string | null;
  actor_type: string;
  actor_id: string;
  actor_name: string;
  actor_token_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  tenant_id: string | null;
  /** JSON (secrets removed) or null. */
  before_json: string | null;
  after_json: string | null;
}

export interface AdminCredentialsTable {
  provider_id: string;
  key_id: string;
  iv: string;
  tag: string;
  ciphertext: string;
  mask: string;
  updated_at: number;
}

export interface AdminBudgetsTable {
  id: string;
  scope: string;
  tenant_id: string;
  /** JSON of the remaining BudgetRecord fields. */
  definition: string;
  created_at: number;
  updated_at: number;
}

export interface AdminRateLimitsTable {
  scope: string;
  tenant_id: string | null;
  rpm: number | null;
  tpm: number | null;
  updated_at: number;
}

/** `admin_users` as seen after 002 (adds `disabled_at`). */
export interface AdminUsersStateTable {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  tenant_id: string | null;
  created_at: number;
  disabled_at: number | null;
}

export interface AdminDatabase extends Omit<HubDatabase, 'admin_users'> {
  admin_users: AdminUsersStateTable;
  admin_tokens: AdminTokensTable;
  admin_audit: AdminAuditTable;
  admin_credentials: AdminCredentialsTable;
  admin_budgets: AdminBudgetsTable;
  admin_rate_limits: AdminRateLimitsTable;
}
