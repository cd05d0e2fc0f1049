/**
 * 004: the daily core rollup (UTC+08:00 days, storage/sql/usage-rollup-schema.ts), backfilled
 * from the ledger, so month-long day/month queries read ~24× fewer rows than the hour rollups.
 */
import type { Kysely, Migration } from 'kysely';
import { int64Type, type SqlDialectName } from '../sql-dialect.js';
import { DAILY_CORE_ROLLUP, type UsageDatabase } from '../usage-rollup-schema.js';
import { createRollupTable, rebuildUsageRollupsIn } from '../usage-rollup-writer.js';

export function migration004UsageRollupsDaily(dialect: SqlDialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await createRollupTable(db, DAILY_CORE_ROLLUP, int64Type(dialect));
      await rebuildUsageRollupsIn(db as Kysely<UsageDatabase>, dialect, {}, [DAILY_CORE_ROLLUP]);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable(DAILY_CORE_ROLLUP.name).ifExists().execute();
    },
  };
}
