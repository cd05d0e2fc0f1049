/**
 * The Kysely implementation of the AdminStore port, on the same database (and connection pool)
 * as SqlHubStore. Tables come from migration 002-admin.
 */
import type { Kysely, Selectable } from 'kysely';
import type { AdminRole, AdminTokenRecord, AdminUser, AuditEvent, BudgetRecord, RateLimitRecord, StoredCredential } from '../../core/domain.js';
import type { AdminStore, AuditQuery } from '../../core/store.js';
import type { AdminAuditTable, AdminBudgetsTable, AdminDatabase, AdminTokensTable } from './admin-schema.js';
import type { SqlHubStore } from './sql-store.js';

const num = (v: number | string | bigint): number => (typeof v === 'number' ? v : Number(v));
const numOrUndef = (v: number | string | null): number | undefined => (v === null ? undefined : num(v));
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

function compact<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[]) if (record[key] === undefined) delete record[key];
  return record;
}

function tokenFromRow(r: Selectable<AdminTokensTable>): AdminTokenRecord {
  return compact({
    id: r.id,
    kind: r.kind === 'session' ? 'session' : 'api_token',
    userId: r.user_id,
    name: r.name ?? undefined,
    hash: r.hash,
    prefix: r.prefix,
    createdAt: num(r.created_at),
    expiresAt: numOrUndef(r.expires_at),
    revokedAt: numOrUndef(r.revoked_at),
  });
}

function auditFromRow(r: Selectable<AdminAuditTable>): AuditEvent {
  return compact({
    id: num(r.id),
    at: num(r.at),
    requestId: r.request_id ?? undefined,
    actorType: r.actor_type as AuditEvent['actorType'],
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorTokenId: r.actor_token_id ?? undefined,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    tenantId: r.tenant_id ?? undefined,
    before: r.before_json === null ? undefined : (JSON.parse(r.before_json) as unknown),
    after: r.after_json === null ? undefined : (JSON.parse(r.after_json) as unknown),
  });
}

function budgetFromRow(r: Selectable<AdminBudgetsTable>): BudgetRecord {
  const rest = JSON.parse(r.definition) as Omit<BudgetRecord, 'id' | 'scope' | 'tenantId' | 'createdAt' | 'updatedAt'>;
  return compact({ id: r.id, scope: r.scope, tenantId: r.tenant_id, ...rest, createdAt: num(r.created_at), updatedAt: num(r.updated_at) });
}

export class SqlAdminStore implements AdminStore {
  constructor(readonly db: Kysely<AdminDatabase>) {}

  async setAdminUserDisabled(userId: string, disabledAt: number | undefined): Promise<void> {
    await this.db.updateTable('admin_users').set({ disabled_at: orNull(disabledAt) }).where('id', '=', userId).execute();
  }
  async listAdminUsersWithState(): Promise<AdminUser[]> {
    const list = await this.db.selectFrom('admin_users').selectAll().orderBy('username').execute();
    return list.map((r) =>
      compact({
        id: r.id,
        username: r.username,
        passwordHash: r.password_hash,
        role: r.role as AdminRole,
        tenantId: r.tenant_id ?? undefined,
        createdAt: num(r.created_at),
        disabledAt: numOrUndef(r.disabled_at),
      }),
    );
  }

  async insertAdminToken(t: AdminTokenRecord): Promise<void> {
    await this.db
      .insertInto('admin_tokens')
      .values({
        id: t.id, kind: t.kind, user_id: t.userId, name: orNull(t.name), hash: t.hash, prefix: t.prefix,
        created_at: t.createdAt, expires_at: orNull(t.expiresAt), revoked_at: orNull(t.revokedAt),
      })
      .execute();
  }
  async findAdminTokenByHash(hash: string): Promise<AdminTokenRecord | undefined> {
    const row = await this.db.selectFrom('admin_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row === undefined ? undefined : tokenFromRow(row);
  }
  async listAdminTokens(userId?: string): Promise<AdminTokenRecord[]> {
    let q = this.db.selectFrom('admin_tokens').selectAll();
    if (userId !== undefined) q = q.where('user_id', '=', userId);
    return (await q.orderBy('created_at').orderBy('id').execute()).map(tokenFromRow);
  }
  async revokeAdminToken(id: string, at: number): Promise<void> {
    await this.db.updateTable('admin_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }
  async revokeAdminSessions(userId: string, at: number): Promise<void> {
    await this.db
      .updateTable('admin_tokens')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('kind', '=', 'session')
      .where('revoked_at', 'is', null)
      .execute();
  }
  async pruneAdminSessions(now: number): Promise<number> {
    const result = await this.db.deleteFrom('admin_tokens').where('kind', '=', 'session').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async insertAudit(e: AuditEvent): Promise<number> {
    const row = await this.db
      .insertInto('admin_audit')
      .values({
        at: e.at, request_id: orNull(e.requestId), actor_type: e.actorType, actor_id: e.actorId, actor_name: e.actorName,
        actor_token_id: orNull(e.actorTokenId), action: e.action, target_type: e.targetType, target_id: e.targetId,
        tenant_id: orNull(e.tenantId),
        before_json: e.before === undefined ? null : JSON.stringify(e.before),
        after_json: e.after === undefined ? null : JSON.stringify(e.after),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return num(row.id);
  }
  async queryAudit(query: AuditQuery): Promise<AuditEvent[]> {
    let q = this.db.selectFrom('admin_audit').selectAll();
    if (query.actorId !== undefined) q = q.where('actor_id', '=', query.actorId);
    if (query.action !== undefined) q = q.where('action', '=', query.action);
    if (query.targetType !== undefined) q = q.where('target_type', '=', query.targetType);
    if (query.targetId !== undefined) q = q.where('target_id', '=', query.targetId);
    if (query.tenantId !== undefined) q = q.where('tenant_id', '=', query.tenantId);
    if (query.from !== undefined) q = q.where('at', '>=', query.from);
    if (query.to !== undefined) q = q.where('at', '<', query.to);
    if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
    return (await q.orderBy('id', 'desc').limit(query.limit).execute()).map(auditFromRow);
  }

  async putCredential(c: StoredCredential): Promise<void> {
    const row = { provider_id: c.providerId, key_id: c.keyId, iv: c.iv, tag: c.tag, ciphertext: c.ciphertext, mask: c.mask, updated_at: c.updatedAt };
    const { provider_id: _id, ...update } = row;
    await this.db.insertInto('admin_credentials').values(row).onConflict((oc) => oc.column('provider_id').doUpdateSet(update)).execute();
  }
  async getCredential(providerId: string): Promise<StoredCredential | undefined> {
    const r = await this.db.selectFrom('admin_credentials').selectAll().where('provider_id', '=', providerId).executeTakeFirst();
    return r === undefined ? undefined : { providerId: r.provider_id, keyId: r.key_id, iv: r.iv, tag: r.tag, ciphertext: r.ciphertext, mask: r.mask, updatedAt: num(r.updated_at) };
  }
  async listCredentials(): Promise<StoredCredential[]> {
    const list = await this.db.selectFrom('admin_credentials').selectAll().orderBy('provider_id').execute();
    return list.map((r) => ({ providerId: r.provider_id, keyId: r.key_id, iv: r.iv, tag: r.tag, ciphertext: r.ciphertext, mask: r.mask, updatedAt: num(r.updated_at) }));
  }
  async deleteCredential(providerId: string): Promise<void> {
    await this.db.deleteFrom('admin_credentials').where('provider_id', '=', providerId).execute();
  }

  async listBudgets(): Promise<BudgetRecord[]> {
    return (await this.db.selectFrom('admin_budgets').selectAll().orderBy('id').execute()).map(budgetFromRow);
  }
  async upsertBudget(b: BudgetRecord): Promise<void> {
    const { id, scope, tenantId, createdAt, updatedAt, ...rest } = b;
    const row = { id, scope, tenant_id: tenantId, definition: JSON.stringify(compact({ ...rest })), created_at: createdAt, updated_at: updatedAt };
    const { id: _id, created_at: _c, ...update } = row;
    await this.db.insertInto('admin_budgets').values(row).onConflict((oc) => oc.column('id').doUpdateSet(update)).execute();
  }
  async deleteBudget(id: string): Promise<void> {
    await this.db.deleteFrom('admin_budgets').where('id', '=', id).execute();
  }

  async listRateLimits(): Promise<RateLimitRecord[]> {
    const list = await this.db.selectFrom('admin_rate_limits').selectAll().orderBy('scope').execute();
    return list.map((r) => compact({ scope: r.scope, tenantId: r.tenant_id ?? undefined, rpm: numOrUndef(r.rpm), tpm: numOrUndef(r.tpm), updatedAt: num(r.updated_at) }));
  }
  async upsertRateLimit(r: RateLimitRecord): Promise<void> {
    const row = { scope: r.scope, tenant_id: orNull(r.tenantId), rpm: orNull(r.rpm), tpm: orNull(r.tpm), updated_at: r.updatedAt };
    const { scope: _s, ...update } = row;
    await this.db.insertInto('admin_rate_limits').values(row).onConflict((oc) => oc.column('scope').doUpdateSet(update)).execute();
  }
  async deleteRateLimit(scope: string): Promise<void> {
    await this.db.deleteFrom('admin_rate_limits').where('scope', '=', scope).execute();
  }

  async deleteTenant(id: string): Promise<void> {
    await this.db.deleteFrom('tenants').where('id', '=', id).execute();
  }
  async deleteApp(id: string): Promise<void> {
    await this.db.deleteFrom('apps').where('id', '=', id).execute();
  }
}

/** The admin store over an open SqlHubStore (shares its connection; the hub store closes it). */
export function createAdminStore(hubStore: SqlHubStore): SqlAdminStore {
  return new SqlAdminStore(hubStore.db as unknown as Kysely<AdminDatabase>);
}
