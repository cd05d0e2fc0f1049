/**
 * 003: hour rollups of the usage ledger (storage/sql/usage-rollup-schema.ts), backfilled from
 * the rows already in the ledger. From here on `insertUsage` maintains them in its transaction.
 */
import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import { int64Type, type SqlDialectName } from '../sql-dialect.js';
import { DIMENSION_COLUMNS, METRIC_COLUMNS, ROLLUP_TABLES, type UsageDatabase } from '../usage-rollup-schema.js';
import { rebuildUsageRollupsIn } from '../usage-rollup-writer.js';

export function migration003UsageRollups(dialect: SqlDialectName): Migration {
  const i64 = int64Type(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const spec of ROLLUP_TABLES) {
        let table: CreateTableBuilder<string, string> = db.schema
          .createTable(spec.name)
          .addColumn('bucket_start', i64, (c) => c.notNull())
          .addColumn('dims_key', 'text', (c) => c.notNull());
        for (const dim of spec.dimensions) table = table.addColumn(DIMENSION_COLUMNS[dim], 'text', (c) => c.notNull());
        for (const metric of METRIC_COLUMNS) table = table.addColumn(metric, i64, (c) => c.notNull());
        await table.addPrimaryKeyConstraint(`${spec.name}_pk`, ['bucket_start', 'dims_key']).execute();
        await db.schema.createIndex(`${spec.name}_tenant_idx`).on(spec.name).columns(['tenant_id', 'bucket_start']).execute();
      }
      await rebuildUsageRollupsIn(db as Kysely<UsageDatabase>, dialect);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const spec of ROLLUP_TABLES) await db.schema.dropTable(spec.name).ifExists().execute();
    },
  };
}
