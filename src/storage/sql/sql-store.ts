/**
 * The one Kysely implementation of HubStore, shared by SQLite and PostgreSQL.
 * Every query is parameterised by Kysely; dialect differences live in sql-dialect.ts.
 * The exception is the hot ledger write (`insertUsage`), delegated to a per-backend
 * UsageBatchWriter (usage-batch-writer.ts) that avoids compiling SQL per batch.
 */
import { Migrator, sql, type Kysely } from 'kysely';
import type { AdminUser, ApiKeyRecord, App, Deployment, ModelAlias, ProviderRecord, Tenant, UsageEvent } from '../../core/domain.js';
import type { HubStore, UsageQuery } from '../../core/store.js';
import { hubMigrationProvider } from './migrations/index.js';
import { boolFromDb, boolToDb, type SqlDialectName } from './sql-dialect.js';
import * as rows from './sql-rows.js';
import type { HubDatabase } from './sql-schema.js';
import type { UsageBatchWriter } from './usage-batch-writer.js';

export class SqlHubStore implements HubStore {
  constructor(
    readonly db: Kysely<HubDatabase>,
    readonly dialect: SqlDialectName,
    private readonly usageWriter: UsageBatchWriter,
  ) {}

  async migrate(): Promise<void> {
    const migrator = await this.migrator();
    const { error, results } = await migrator.migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** Names of applied migrations, oldest first. */
  async appliedMigrations(): Promise<string[]> {
    const migrator = await this.migrator();
    const list = await migrator.getMigrations();
    return list.filter((m) => m.executedAt !== undefined).map((m) => m.name);
  }

  /**
   * On PostgreSQL the migration tables are pinned to the connection's current schema: Kysely's
   * existence check otherwise matches a `kysely_migration` table in any schema of the database.
   */
  private async migrator(): Promise<Migrator> {
    const provider = hubMigrationProvider(this.dialect);
    if (this.dialect !== 'postgres') return new Migrator({ db: this.db, provider });
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(this.db);
    const schema = rows[0]?.schema;
    return new Migrator({ db: this.db, provider, ...(schema !== undefined && schema !== null ? { migrationTableSchema: schema } : {}) });
  }

  async listProviders(): Promise<ProviderRecord[]> {
    const list = await this.db.selectFrom('providers').selectAll().orderBy('id').execute();
    return list.map(rows.providerFromRow);
  }
  async upsertProvider(record: ProviderRecord): Promise<void> {
    const row = rows.providerToRow(record);
    const { id: _id, ...update } = row;
    await this.db.insertInto('providers').values(row).onConflict((oc) => oc.column('id').doUpdateSet(update)).execute();
  }
  async deleteProvider(id: string): Promise<void> {
    await this.db.deleteFrom('providers').where('id', '=', id).execute();
  }

  async listDeployments(): Promise<Deployment[]> {
    const list = await this.db.selectFrom('deployments').selectAll().orderBy('id').execute();
    return list.map(rows.deploymentFromRow);
  }
  async upsertDeployment(record: Deployment): Promise<void> {
    const row = rows.deploymentToRow(record);
    const { id: _id, ...update } = row;
    await this.db.insertInto('deployments').values(row).onConflict((oc) => oc.column('id').doUpdateSet(update)).execute();
  }
  async deleteDeployment(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('alias_members').where('deployment_id', '=', id).execute();
      await trx.deleteFrom('deployments').where('id', '=', id).execute();
    });
  }

  async listAliases(): Promise<ModelAlias[]> {
    const aliases = await this.db.selectFrom('aliases').selectAll().orderBy('name').execute();
    const members = await this.db.selectFrom('alias_members').selectAll().orderBy('alias_name').orderBy('position').execute();
    return aliases.map((a) => {
      const alias: ModelAlias = {
        name: a.name,
        members: members
          .filter((m) => m.alias_name === a.name)
          .map((m) => (boolFromDb(m.canary) ? { deploymentId: m.deployment_id, weight: Number(m.weight), canary: true } : { deploymentId: m.deployment_id, weight: Number(m.weight) })),
      };
      if (a.description !== null) alias.description = a.description;
      return alias;
    });
  }
  async upsertAlias(record: ModelAlias): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const description = record.description ?? null;
      await trx.insertInto('aliases').values({ name: record.name, description }).onConflict((oc) => oc.column('name').doUpdateSet({ description })).execute();
      await trx.deleteFrom('alias_members').where('alias_name', '=', record.name).execute();
      if (record.members.length === 0) return;
      await trx
        .insertInto('alias_members')
        .values(record.members.map((m, i) => ({ alias_name: record.name, deployment_id: m.deploymentId, position: i, weight: m.weight, canary: boolToDb(m.canary === true) })))
        .execute();
    });
  }
  async deleteAlias(name: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('alias_members').where('alias_name', '=', name).execute();
      await trx.deleteFrom('aliases').where('name', '=', name).execute();
    });
  }

  async listTenants(): Promise<Tenant[]> {
    const list = await this.db.selectFrom('tenants').selectAll().orderBy('id').execute();
    return list.map(rows.tenantFromRow);
  }
  async upsertTenant(record: Tenant): Promise<void> {
    const { id: _id, ...update } = rows.tenantToRow(record);
    await this.db.insertInto('tenants').values(rows.tenantToRow(record)).onConflict((oc) => oc.column('id').doUpdateSet(update)).execute();
  }

  async listApps(): Promise<App[]> {
    const list = await this.db.selectFrom('apps').selectAll().orderBy('id').execute();
    return list.map(rows.appFromRow);
  }
  async upsertApp(record: App): Promise<void> {
    const { id: _id, ...update } = rows.appToRow(record);
    await this.db.insertInto('apps').values(rows.appToRow(record)).onConflict((oc) => oc.column('id').doUpdateSet(update)).execute();
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const list = await this.db.selectFrom('api_keys').selectAll().orderBy('id').execute();
    return list.map(rows.apiKeyFromRow);
  }
  async insertApiKey(record: ApiKeyRecord): Promise<void> {
    await this.db.insertInto('api_keys').values(rows.apiKeyToRow(record)).execute();
  }
  async updateApiKey(record: ApiKeyRecord): Promise<void> {
    const { id, ...update } = rows.apiKeyToRow(record);
    await this.db.updateTable('api_keys').set(update).where('id', '=', id).execute();
  }
  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row === undefined ? undefined : rows.apiKeyFromRow(row);
  }

  /** One transaction per call: new rows and their rollups; rows already stored are skipped. */
  async insertUsage(events: UsageEvent[]): Promise<void> {
    await this.usageWriter.write(events);
  }
  async queryUsage(query: UsageQuery): Promise<UsageEvent[]> {
    let q = this.db.selectFrom('usage_events').selectAll();
    if (query.from !== undefined) q = q.where('started_at', '>=', query.from);
    if (query.to !== undefined) q = q.where('started_at', '<', query.to);
    if (query.tenantId !== undefined) q = q.where('tenant_id', '=', query.tenantId);
    if (query.appId !== undefined) q = q.where('app_id', '=', query.appId);
    if (query.keyId !== undefined) q = q.where('key_id', '=', query.keyId);
    if (query.requestId !== undefined) q = q.where('request_id', '=', query.requestId);
    q = q.orderBy('started_at').orderBy('id');
    if (query.limit !== undefined) q = q.limit(query.limit);
    return (await q.execute()).map(rows.usageFromRow);
  }

  async getMeta(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }
  async setMeta(key: string, value: string): Promise<void> {
    await this.db.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }

  async listAdminUsers(): Promise<AdminUser[]> {
    const list = await this.db.selectFrom('admin_users').selectAll().orderBy('username').execute();
    return list.map(rows.adminUserFromRow);
  }
  async findAdminUserByUsername(username: string): Promise<AdminUser | undefined> {
    const row = await this.db.selectFrom('admin_users').selectAll().where('username', '=', username).executeTakeFirst();
    return row === undefined ? undefined : rows.adminUserFromRow(row);
  }
  async insertAdminUser(record: AdminUser): Promise<void> {
    await this.db.insertInto('admin_users').values(rows.adminUserToRow(record)).execute();
  }
  async updateAdminUser(record: AdminUser): Promise<void> {
    const { id, ...update } = rows.adminUserToRow(record);
    await this.db.updateTable('admin_users').set(update).where('id', '=', id).execute();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
