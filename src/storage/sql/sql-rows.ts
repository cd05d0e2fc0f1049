/**
 * Mapping between domain records and table rows: JSON text, 0/1 booleans, null ⇄ undefined.
 * Optional fields absent in the row are absent (not `undefined`-valued) in the record.
 */
import type { Insertable, Selectable } from 'kysely';
import type {
  AdminRole,
  AdminUser,
  ApiKeyRecord,
  App,
  Deployment,
  DeploymentStatus,
  ProviderRecord,
  Tenant,
  Tier,
  UsageEvent,
} from '../../core/domain.js';
import { boolFromDb, boolToDb } from './sql-dialect.js';
import type {
  AdminUsersTable,
  ApiKeysTable,
  AppsTable,
  DeploymentsTable,
  ProvidersTable,
  TenantsTable,
  UsageEventsTable,
} from './sql-schema.js';

/** Drops keys whose value is undefined, so records compare structurally. */
function compact<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}

const orUndef = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
/** pg returns BIGINT as string unless parsed; the pool parses it, this is a safety net. */
const num = (v: number | string | bigint): number => (typeof v === 'number' ? v : Number(v));
const numOrUndef = (v: number | string | null): number | undefined => (v === null ? undefined : num(v));

export function tenantToRow(t: Tenant): TenantsTable {
  return { id: t.id, name: t.name, status: t.status, created_at: t.createdAt };
}
export function tenantFromRow(r: Selectable<TenantsTable>): Tenant {
  return { id: r.id, name: r.name, status: r.status === 'suspended' ? 'suspended' : 'active', createdAt: num(r.created_at) };
}

export function appToRow(a: App): AppsTable {
  return { id: a.id, tenant_id: a.tenantId, name: a.name, defaults: JSON.stringify(compact({ ...a.defaults })), created_at: a.createdAt };
}
export function appFromRow(r: Selectable<AppsTable>): App {
  return { id: r.id, tenantId: r.tenant_id, name: r.name, defaults: JSON.parse(r.defaults) as App['defaults'], createdAt: num(r.created_at) };
}

export function apiKeyToRow(k: ApiKeyRecord): ApiKeysTable {
  return {
    id: k.id,
    tenant_id: k.tenantId,
    app_id: k.appId,
    name: k.name,
    prefix: k.prefix,
    hash: k.hash,
    allowed_models: k.allowedModels === undefined ? null : JSON.stringify(k.allowedModels),
    expires_at: orNull(k.expiresAt),
    revoked_at: orNull(k.revokedAt),
    created_at: k.createdAt,
  };
}
export function apiKeyFromRow(r: Selectable<ApiKeysTable>): ApiKeyRecord {
  return compact({
    id: r.id,
    tenantId: r.tenant_id,
    appId: r.app_id,
    name: r.name,
    prefix: r.prefix,
    hash: r.hash,
    allowedModels: r.allowed_models === null ? undefined : (JSON.parse(r.allowed_models) as string[]),
    expiresAt: numOrUndef(r.expires_at),
    revokedAt: numOrUndef(r.revoked_at),
    createdAt: num(r.created_at),
  });
}

export function providerToRow(p: ProviderRecord): ProvidersTable {
  return {
    id: p.id,
    kind: p.kind,
    base_url: orNull(p.baseUrl),
    credential_ref: orNull(p.credentialRef),
    headers: JSON.stringify(p.headers),
    options: JSON.stringify(p.options),
    allow_private_network: boolToDb(p.allowPrivateNetwork),
  };
}
export function providerFromRow(r: Selectable<ProvidersTable>): ProviderRecord {
  return compact({
    id: r.id,
    kind: r.kind,
    baseUrl: orUndef(r.base_url),
    credentialRef: orUndef(r.credential_ref),
    headers: JSON.parse(r.headers) as ProviderRecord['headers'],
    options: JSON.parse(r.options) as ProviderRecord['options'],
    allowPrivateNetwork: boolFromDb(r.allow_private_network),
  });
}

export function deploymentToRow(d: Deployment): DeploymentsTable {
  return {
    id: d.id,
    provider_id: d.providerId,
    model: d.model,
    tier: d.tier,
    capabilities: JSON.stringify(d.capabilities),
    context_window: d.contextWindow,
    max_output_tokens: orNull(d.maxOutputTokens),
    price: d.price === undefined ? null : JSON.stringify(compact({ ...d.price })),
    limits: JSON.stringify(compact({ ...d.limits })),
    weight: d.weight,
    quality: orNull(d.quality),
    status: d.status,
    options: JSON.stringify(d.options ?? {}),
  };
}
export function deploymentFromRow(r: Selectable<DeploymentsTable>): Deployment {
  const options = JSON.parse(r.options) as Record<string, string | number | boolean>;
  return compact({
    id: r.id,
    providerId: r.provider_id,
    model: r.model,
    tier: r.tier as Tier,
    capabilities: JSON.parse(r.capabilities) as string[],
    contextWindow: num(r.context_window),
    maxOutputTokens: numOrUndef(r.max_output_tokens),
    price: r.price === null ? undefined : (JSON.parse(r.price) as Deployment['price']),
    limits: JSON.parse(r.limits) as Deployment['limits'],
    weight: Number(r.weight),
    quality: r.quality === null ? undefined : Number(r.quality),
    status: r.status as DeploymentStatus,
    options: Object.keys(options).length > 0 ? options : undefined,
  });
}

export function usageToRow(e: UsageEvent): Insertable<UsageEventsTable> {
  return {
    request_id: e.requestId,
    attempt: e.attempt,
    started_at: e.startedAt,
    finished_at: e.finishedAt,
    tenant_id: e.tenantId,
    app_id: e.appId,
    key_id: e.keyId,
    end_user: orNull(e.endUser),
    plugin: orNull(e.plugin),
    prompt_ref: orNull(e.promptRef),
    requested_model: e.requestedModel,
    deployment_id: e.deploymentId,
    provider_id: e.providerId,
    upstream_model: e.upstreamModel,
    decision: orNull(e.decision),
    biz_level: orNull(e.bizLevel),
    stream: boolToDb(e.stream),
    status: e.status,
    error_code: orNull(e.errorCode),
    input_tokens: e.inputTokens,
    output_tokens: e.outputTokens,
    cached_input_tokens: e.cachedInputTokens,
    cache_write_tokens: e.cacheWriteTokens,
    reasoning_tokens: e.reasoningTokens,
    usage_source: e.usageSource,
    cost_micros: e.costMicros,
    currency: e.currency,
    unpriced: boolToDb(e.unpriced),
    latency_ms: e.latencyMs,
    ttft_ms: orNull(e.ttftMs),
  };
}
export function usageFromRow(r: Selectable<UsageEventsTable>): UsageEvent {
  return compact({
    requestId: r.request_id,
    attempt: num(r.attempt),
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
    tenantId: r.tenant_id,
    appId: r.app_id,
    keyId: r.key_id,
    endUser: orUndef(r.end_user),
    plugin: orUndef(r.plugin),
    promptRef: orUndef(r.prompt_ref),
    requestedModel: r.requested_model,
    deploymentId: r.deployment_id,
    providerId: r.provider_id,
    upstreamModel: r.upstream_model,
    decision: orUndef(r.decision),
    bizLevel: orUndef(r.biz_level) as UsageEvent['bizLevel'],
    stream: boolFromDb(r.stream),
    status: r.status as UsageEvent['status'],
    errorCode: orUndef(r.error_code),
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    cachedInputTokens: num(r.cached_input_tokens),
    cacheWriteTokens: num(r.cache_write_tokens),
    reasoningTokens: num(r.reasoning_tokens),
    usageSource: r.usage_source as UsageEvent['usageSource'],
    costMicros: num(r.cost_micros),
    currency: r.currency as UsageEvent['currency'],
    unpriced: boolFromDb(r.unpriced),
    latencyMs: num(r.latency_ms),
    ttftMs: numOrUndef(r.ttft_ms),
  });
}

export function adminUserToRow(u: AdminUser): AdminUsersTable {
  return { id: u.id, username: u.username, password_hash: u.passwordHash, role: u.role, tenant_id: orNull(u.tenantId), created_at: u.createdAt };
}
export function adminUserFromRow(r: Selectable<AdminUsersTable>): AdminUser {
  return compact({
    id: r.id,
    username: r.username,
    passwordHash: r.password_hash,
    role: r.role as AdminRole,
    tenantId: orUndef(r.tenant_id),
    createdAt: num(r.created_at),
  });
}

/** Columns of a ledger row in the order of `usageValues` (every column but the generated `id`). */
export const USAGE_COLUMNS = [
  'request_id', 'attempt', 'started_at', 'finished_at', 'tenant_id', 'app_id', 'key_id', 'end_user', 'plugin', 'prompt_ref',
  'requested_model', 'deployment_id', 'provider_id', 'upstream_model', 'decision', 'biz_level', 'stream', 'status', 'error_code',
  'input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens', 'reasoning_tokens', 'usage_source', 'cost_micros',
  'currency', 'unpriced', 'latency_ms', 'ttft_ms',
] as const satisfies readonly (keyof Insertable<UsageEventsTable>)[];

export type UsageValue = string | number | null;

/** The values of `usageToRow(e)` in `USAGE_COLUMNS` order, for prepared statements (the hot ledger write). */
export function usageValues(e: UsageEvent): UsageValue[] {
  return [
    e.requestId, e.attempt, e.startedAt, e.finishedAt, e.tenantId, e.appId, e.keyId, e.endUser ?? null, e.plugin ?? null, e.promptRef ?? null,
    e.requestedModel, e.deploymentId, e.providerId, e.upstreamModel, e.decision ?? null, e.bizLevel ?? null, boolToDb(e.stream), e.status, e.errorCode ?? null,
    e.inputTokens, e.outputTokens, e.cachedInputTokens, e.cacheWriteTokens, e.reasoningTokens, e.usageSource, e.costMicros,
    e.currency, boolToDb(e.unpriced), e.latencyMs, e.ttftMs ?? null,
  ];
}
