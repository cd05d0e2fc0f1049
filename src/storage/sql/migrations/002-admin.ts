/**
 * 002: admin API storage — sessions and admin tokens, the audit log, encrypted provider
 * credentials, budget and rate-limit definitions, and `admin_users.disabled_at`.
 */
import type { Kysely, Migration } from 'kysely';
import { addAutoIdColumn, int64Type, type SqlDialectName } from '../sql-dialect.js';

export function migration002Admin(dialect: SqlDialectName): Migration {
  const i64 = int64Type(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('admin_users').addColumn('disabled_at', i64).execute();
      await db.schema
        .createTable('admin_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', i64, (c) => c.notNull())
        .addColumn('expires_at', i64)
        .addColumn('revoked_at', i64)
        .execute();
      await db.schema.createIndex('admin_tokens_user_idx').on('admin_tokens').column('user_id').execute();
      await addAutoIdColumn(dialect, db.schema.createTable('admin_audit'))
        .addColumn('at', i64, (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('actor_token_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text')
        .addColumn('before_json', 'text')
        .addColumn('after_json', 'text')
        .execute();
      await db.schema.createIndex('admin_audit_at_idx').on('admin_audit').column('at').execute();
      await db.schema.createIndex('admin_audit_tenant_idx').on('admin_audit').columns(['tenant_id', 'id']).execute();
      await db.schema
        .createTable('admin_credentials')
        .addColumn('provider_id', 'text', (c) => c.primaryKey())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('iv', 'text', (c) => c.notNull())
        .addColumn('tag', 'text', (c) => c.notNull())
        .addColumn('ciphertext', 'text', (c) => c.notNull())
        .addColumn('mask', 'text', (c) => c.notNull())
        .addColumn('updated_at', i64, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('admin_budgets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('created_at', i64, (c) => c.notNull())
        .addColumn('updated_at', i64, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('admin_rate_limits')
        .addColumn('scope', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text')
        .addColumn('rpm', i64)
        .addColumn('tpm', i64)
        .addColumn('updated_at', i64, (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['admin_rate_limits', 'admin_budgets', 'admin_credentials', 'admin_audit', 'admin_tokens']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
      await db.schema.alterTable('admin_users').dropColumn('disabled_at').execute();
    },
  };
}
