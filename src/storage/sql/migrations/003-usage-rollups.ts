/**
 * 003: hour rollups of the usage ledger (storage/sql/usage-rollup-schema.ts), backfilled from
 * the rows already in the ledger. From here on `insertUsage` maintains them in its transaction.
 */
import type { Kysely, Migration } from 'kysely';
import { int64Type, type SqlDialectName } from '../sql-dialect.js';
import { CORE_ROLLUP, FULL_ROLLUP, type UsageDatabase } from '../usage-rollup-schema.js';
import { createRollupTable, rebuildUsageRollupsIn } from '../usage-rollup-writer.js';

/** The tables of this migration (fixed: later rollup tables come with later migrations). */
const HOURLY = [CORE_ROLLUP, FULL_ROLLUP];

export function migration003UsageRollups(dialect: SqlDialectName): Migration {
  const i64 = int64Type(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const spec of HOURLY) await createRollupTable(db, spec, i64);
      await rebuildUsageRollupsIn(db as Kysely<UsageDatabase>, dialect, {}, HOURLY);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const spec of HOURLY) await db.schema.dropTable(spec.name).ifExists().execute();
    },
  };
}
