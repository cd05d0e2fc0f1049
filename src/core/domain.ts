/**
 * Domain model shared by storage, gateway and admin (DESIGN.md §3). Plain data only.
 * Money is integer micro-units (1 USD = 1_000_000 micro-USD); time is UTC epoch milliseconds.
 */

export type Tier = 'premium' | 'standard' | 'economy';
export const TIERS: readonly Tier[] = ['premium', 'standard', 'economy'];

export type BizLevel = 'premium' | 'normal' | 'economy';
export const BIZ_LEVELS: readonly BizLevel[] = ['premium', 'normal', 'economy'];

export type CostPreference = 'low' | 'high';

export type Currency = 'USD' | 'CNY';

/** Well-known capability tags; deployments may carry others. */
export const CAPABILITIES = ['multilingual', 'code', 'long_context', 'vision', 'function_calling', 'json', 'embeddings', 'reasoning'] as const;

/** Prices in micro-units of `currency` per one million tokens. */
export interface Price {
  currency: Currency;
  inputPerMTok: number;
  outputPerMTok: number;
  /** Price of cached input tokens; defaults to `inputPerMTok`. */
  cachedInputPerMTok?: number;
  /** Price of cache-write input tokens; defaults to `inputPerMTok`. */
  cacheWritePerMTok?: number;
}

export interface DeploymentLimits {
  rpm?: number;
  tpm?: number;
  concurrency?: number;
}

export type DeploymentStatus = 'enabled' | 'disabled' | 'draining';

export interface ProviderRecord {
  /** Operator-chosen id, e.g. `openai-main`. */
  id: string;
  /** Adapter kind: openai, azure-openai, anthropic, deepseek, zhipu, qwen, moonshot, volcengine, openai-compatible, simulator. */
  kind: string;
  baseUrl?: string;
  /**
   * Where the secret comes from: `env:NAME` (read at start) or `stored` (encrypted in the
   * database). Undefined: no credential (simulator, local vLLM).
   */
  credentialRef?: string;
  headers: Record<string, string>;
  options: Record<string, string | number | boolean>;
  /** Allow private-range addresses (self-hosted models). Cloud metadata is always refused. */
  allowPrivateNetwork: boolean;
}

export interface Deployment {
  /** Unique id, e.g. `gpt-4o@openai-main`. */
  id: string;
  providerId: string;
  /** Upstream model name. */
  model: string;
  tier: Tier;
  capabilities: string[];
  contextWindow: number;
  maxOutputTokens?: number;
  /** Undefined price: the deployment is *unpriced* and every row it writes is flagged. */
  price?: Price;
  limits: DeploymentLimits;
  weight: number;
  /** 0..1 quality score used by the scheduler; defaults by tier. */
  quality?: number;
  status: DeploymentStatus;
  /**
   * Per-deployment adapter options, merged over the provider's `options` into
   * `UpstreamTarget.options` (e.g. simulator `latencyMs` / `tokensPerSecond`, Azure `apiVersion`).
   */
  options?: Record<string, string | number | boolean>;
}

export interface AliasMember {
  deploymentId: string;
  weight: number;
  /** A gray-release member: gets `weight` share of end users (sticky) until promoted or rolled back. */
  canary?: boolean;
}

/** A logical model name: a pool of deployments. Weights also express gray releases. */
export interface ModelAlias {
  name: string;
  description?: string;
  members: AliasMember[];
}

export interface Tenant {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  createdAt: number;
}

export interface AppDefaults {
  bizLevel?: BizLevel;
  costPreference?: CostPreference;
  /** Empty / undefined: every model. Entries are alias names or deployment ids or upstream model names. */
  allowedModels?: string[];
  capabilities?: string[];
  /** Response cache of this app's non-stream chat requests (docs/response-cache.md); absent = off. */
  cache?: AppCacheDefaults;
}

/** Exact-match response cache settings of an app. */
export interface AppCacheDefaults {
  /** How long a cached answer is served, in seconds (1 … 604,800). */
  ttlSeconds: number;
}

export interface App {
  id: string;
  tenantId: string;
  name: string;
  defaults: AppDefaults;
  createdAt: number;
}

export type AdminRole = 'platform_admin' | 'tenant_admin' | 'viewer';
export const ADMIN_ROLES: readonly AdminRole[] = ['platform_admin', 'tenant_admin', 'viewer'];

/** An admin API / console user. Only a scrypt hash of the password is stored. */
export interface AdminUser {
  id: string;
  username: string;
  /** `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` (see governance/admin-password.ts). */
  passwordHash: string;
  role: AdminRole;
  /** Required for `tenant_admin`; undefined for platform-wide roles. */
  tenantId?: string;
  createdAt: number;
  /** Set when the user was disabled: no login, every session and admin token refused. */
  disabledAt?: number;
}

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  appId: string;
  name: string;
  /** Display prefix, e.g. `zs-abc12345`; the only part of the key ever shown again. */
  prefix: string;
  /** sha256 hex of the full key. */
  hash: string;
  /** Undefined / empty: inherits the app's allowed models. */
  allowedModels?: string[];
  expiresAt?: number;
  revokedAt?: number;
  createdAt: number;
}

/** Who is calling, resolved from a virtual key. */
export interface Principal {
  tenantId: string;
  appId: string;
  keyId: string;
  keyPrefix: string;
  /** Effective allow-list (key's, else app's); undefined = everything. */
  allowedModels?: string[];
  defaults: AppDefaults;
  /** Free-form end-user tag from the request (`user`, `metadata.user_id`, `x-end-user`). */
  endUser?: string;
}

export type UsageStatus = 'ok' | 'upstream_error' | 'client_aborted' | 'timeout' | 'rejected';

/** One ledger row per upstream attempt that may cost money (DESIGN.md §6.2). */
export interface UsageEvent {
  requestId: string;
  attempt: number;
  startedAt: number;
  finishedAt: number;
  tenantId: string;
  appId: string;
  keyId: string;
  endUser?: string;
  plugin?: string;
  promptRef?: string;
  /** What the client asked for (alias, deployment id or `auto`). */
  requestedModel: string;
  deploymentId: string;
  providerId: string;
  upstreamModel: string;
  /** Short machine reason of the routing decision. */
  decision?: string;
  bizLevel?: BizLevel;
  stream: boolean;
  status: UsageStatus;
  /** Error code when status is not `ok`. */
  errorCode?: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  usageSource: 'provider' | 'estimated' | 'none';
  /** Integer micro-units of `currency`; 0 with `unpriced = true` when the deployment has no price. */
  costMicros: number;
  currency: Currency;
  unpriced: boolean;
  latencyMs: number;
  /** Time to first token (streams) or first byte; undefined when nothing arrived. */
  ttftMs?: number;
}

/**
 * An admin session (from login) or a long-lived admin API token. Only the sha256 hex of the
 * bearer secret is stored; the principal acts with its user's role and tenant at use time.
 */
export interface AdminTokenRecord {
  id: string;
  kind: 'session' | 'api_token';
  userId: string;
  /** Operator label (API tokens). */
  name?: string;
  /** sha256 hex of the bearer secret. */
  hash: string;
  /** First characters of the secret, safe to show (e.g. `zsat_AbC123xy`). */
  prefix: string;
  createdAt: number;
  /** Undefined: never expires (API tokens only; sessions always expire). */
  expiresAt?: number;
  revokedAt?: number;
}

/** One admin write (DESIGN.md §3): who, what, on which object, before/after (secrets redacted). */
export interface AuditEvent {
  /** Assigned by the store, increasing. */
  id?: number;
  at: number;
  requestId?: string;
  actorType: 'user' | 'token' | 'system';
  /** Admin user id (also for `token`: the token's user). */
  actorId: string;
  actorName: string;
  /** Admin token id when the actor authenticated with an API token. */
  actorTokenId?: string;
  /** `<resource>.<verb>`, e.g. `key.create`, `credential.update`. */
  action: string;
  targetType: string;
  targetId: string;
  /** The tenant the target belongs to; undefined for platform objects. */
  tenantId?: string;
  /** JSON snapshots with every secret removed; undefined for create (before) / delete (after). */
  before?: unknown;
  after?: unknown;
}

/** A provider credential encrypted with AES-256-GCM (governance/admin/admin-crypto.ts). */
export interface StoredCredential {
  providerId: string;
  /** Identifies the master key that encrypted it (rotation). */
  keyId: string;
  /** base64 of the 12-byte IV, the 16-byte auth tag and the ciphertext. */
  iv: string;
  tag: string;
  ciphertext: string;
  /** Display mask, e.g. `sk-…abcd`; the only form ever shown. */
  mask: string;
  updatedAt: number;
}

/**
 * A stored budget definition (plain data; gateway/limits `BudgetDefinition` is the same shape
 * with a checked scope). Scope: `tenant:<id>`, `app:<id>`, `key:<id>`, `end_user:<tenantId>/<tag>`.
 */
export interface BudgetRecord {
  id: string;
  scope: string;
  /** Tenant the scope belongs to (for authorization and filters). */
  tenantId: string;
  period: 'day' | 'month' | 'total';
  limitMicros: number;
  currency: Currency;
  mode: 'hard' | 'degrade';
  alertThresholds?: number[];
  timeZone?: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * A stored rate-limit rule (gateway/limits `RateLimitRule` plus bookkeeping). Scope:
 * `tenant:<id>`, `app:<id>`, `key:<id>` or `deployment:<id>`; one rule per scope.
 */
export interface RateLimitRecord {
  scope: string;
  /** Tenant the scope belongs to; undefined for `deployment:` scopes. */
  tenantId?: string;
  rpm?: number;
  tpm?: number;
  updatedAt: number;
}
