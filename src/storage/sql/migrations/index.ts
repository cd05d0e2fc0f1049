/**
 * The static list of migrations (no filesystem scanning, so it works from dist/ and bundles).
 * Add a new file `NNN-name.ts` and register it here; never edit an applied migration.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { SqlDialectName } from '../sql-dialect.js';
import { migration001Initial } from './001-initial.js';
import { migration002Admin } from './002-admin.js';
import { migration003UsageRollups } from './003-usage-rollups.js';
import { migration004UsageRollupsDaily } from './004-usage-rollups-daily.js';

export function hubMigrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '001-initial': migration001Initial(dialect),
    '002-admin': migration002Admin(dialect),
    '003-usage-rollups': migration003UsageRollups(dialect),
    '004-usage-rollups-daily': migration004UsageRollupsDaily(dialect),
  };
}

export function hubMigrationProvider(dialect: SqlDialectName): MigrationProvider {
  return { getMigrations: async () => hubMigrations(dialect) };
}
