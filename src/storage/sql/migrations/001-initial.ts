/** 001: the initial schema — configuration records, the usage ledger, meta and admin users. */
import type { Kysely, Migration } from 'kysely';
import { addAutoIdColumn, floatType, int64Type, type SqlDialectName } from '../sql-dialect.js';

export function migration001Initial(dialect: SqlDialectName): Migration {
  const i64 = int64Type(dialect);
  const float = floatType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tenants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', i64, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('apps')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('defaults', 'text', (c) => c.notNull())
        .addColumn('created_at', i64, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('apps_tenant_idx').on('apps').column('tenant_id').execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('app_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('allowed_models', 'text')
        .addColumn('expires_at', i64)
        .addColumn('revoked_at', i64)
        .addColumn('created_at', i64, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('api_keys_tenant_idx').on('api_keys').column('tenant_id').execute();
      await db.schema.createIndex('api_keys_prefix_idx').on('api_keys').column('prefix').execute();
      await createCatalogTables(db, i64, float);
      await createLedgerTables(db, dialect, i64);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['admin_users', 'meta', 'usage_events', 'alias_members', 'aliases', 'deployments', 'providers', 'api_keys', 'apps', 'tenants']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

async function createCatalogTables(db: Kysely<unknown>, i64: ReturnType<typeof int64Type>, float: ReturnType<typeof floatType>): Promise<void> {
  await db.schema
    .createTable('providers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text')
    .addColumn('credential_ref', 'text')
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('allow_private_network', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('deployments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('capabilities', 'text', (c) => c.notNull())
    .addColumn('context_window', i64, (c) => c.notNull())
    .addColumn('max_output_tokens', i64)
    .addColumn('price', 'text')
    .addColumn('limits', 'text', (c) => c.notNull())
    .addColumn('weight', float, (c) => c.notNull())
    .addColumn('quality', float)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('aliases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text')
    .execute();
  await db.schema
    .createTable('alias_members')
    .addColumn('alias_name', 'text', (c) => c.notNull())
    .addColumn('deployment_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('weight', float, (c) => c.notNull())
    .addColumn('canary', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('alias_members_pk', ['alias_name', 'deployment_id'])
    .execute();
}

async function createLedgerTables(db: Kysely<unknown>, dialect: SqlDialectName, i64: ReturnType<typeof int64Type>): Promise<void> {
  await addAutoIdColumn(dialect, db.schema.createTable('usage_events'))
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', i64, (c) => c.notNull())
    .addColumn('finished_at', i64, (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('end_user', 'text')
    .addColumn('plugin', 'text')
    .addColumn('prompt_ref', 'text')
    .addColumn('requested_model', 'text', (c) => c.notNull())
    .addColumn('deployment_id', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('upstream_model', 'text', (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('biz_level', 'text')
    .addColumn('stream', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('input_tokens', i64, (c) => c.notNull())
    .addColumn('output_tokens', i64, (c) => c.notNull())
    .addColumn('cached_input_tokens', i64, (c) => c.notNull())
    .addColumn('cache_write_tokens', i64, (c) => c.notNull())
    .addColumn('reasoning_tokens', i64, (c) => c.notNull())
    .addColumn('usage_source', 'text', (c) => c.notNull())
    .addColumn('cost_micros', i64, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('unpriced', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', i64, (c) => c.notNull())
    .addColumn('ttft_ms', i64)
    .execute();
  // (request_id, attempt) identifies a row: re-inserting it (a retried batch) is a no-op.
  await db.schema.createIndex('usage_events_request_attempt_uq').on('usage_events').columns(['request_id', 'attempt']).unique().execute();
  await db.schema.createIndex('usage_events_tenant_started_idx').on('usage_events').columns(['tenant_id', 'started_at']).execute();
  await db.schema.createIndex('usage_events_started_idx').on('usage_events').column('started_at').execute();
  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('admin_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('created_at', i64, (c) => c.notNull())
    .execute();
}
