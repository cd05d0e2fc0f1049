/**
 * Keeps the hour rollups equal to the ledger:
 *  - the ledger batch writers (usage-batch-sqlite.ts, usage-batch-postgres.ts) add the rows a
 *    batch actually inserted, inside the same transaction (usage-rollup-aggregate.ts sums them);
 *  - `rebuildUsageRollups` recomputes the hours of a range from the ledger (migration backfill,
 *    repair). On PostgreSQL it locks the rollup tables so a concurrent ledger batch is either
 *    fully seen by the rebuild or applied on top of it.
 * Upserts are sorted by (bucket_start, dims_key) so concurrent writers lock rows in one order
 * (no deadlocks between hub nodes on PostgreSQL).
 */
import { sql, type ColumnDataType, type CreateTableBuilder, type Kysely, type Transaction } from 'kysely';
import type { SqlDialectName } from './sql-dialect.js';
import { groupSelectSql } from './usage-group-sql.js';
import {
  DIMENSION_COLUMNS, METRIC_COLUMNS, ROLLUP_TABLES, dimsKey, rollupBucketOf,
  type DimensionColumn, type RollupRow, type RollupTableSpec, type UsageDatabase,
} from './usage-rollup-schema.js';

/** Rows per rollup INSERT (27 columns → ~11k bound parameters, under SQLite's 32766). */
const ROLLUP_CHUNK = 400;

async function upsertRows(db: Kysely<UsageDatabase> | Transaction<UsageDatabase>, spec: RollupTableSpec, rows: readonly RollupRow[]): Promise<void> {
  const table = spec.name;
  const add = Object.fromEntries(METRIC_COLUMNS.map((c) => [c, sql`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`]));
  for (let i = 0; i < rows.length; i += ROLLUP_CHUNK) {
    const chunk = rows.slice(i, i + ROLLUP_CHUNK) as unknown as UsageDatabase[typeof table][];
    await db.insertInto(table).values(chunk).onConflict((oc) => oc.columns(['bucket_start', 'dims_key']).doUpdateSet(add)).execute();
  }
}

/** Recomputes the rollups of every hour overlapping [from, to) (default: all) from the ledger, in one transaction. */
export async function rebuildUsageRollups(
  db: Kysely<UsageDatabase>,
  dialect: SqlDialectName,
  range: { from?: number; to?: number } = {},
): Promise<{ rollupRows: number }> {
  return db.transaction().execute((trx) => rebuildUsageRollupsIn(trx, dialect, range));
}

/**
 * `rebuildUsageRollups` inside a caller's transaction (migrations run in one on PostgreSQL),
 * for the given tables (default: all).
 */
export async function rebuildUsageRollupsIn(
  trx: Kysely<UsageDatabase> | Transaction<UsageDatabase>,
  dialect: SqlDialectName,
  range: { from?: number; to?: number } = {},
  tables: readonly RollupTableSpec[] = ROLLUP_TABLES,
): Promise<{ rollupRows: number }> {
  if (dialect === 'postgres') {
    await sql`lock table ${sql.join(tables.map((t) => sql.table(t.name)))} in exclusive mode`.execute(trx);
  }
  let rollupRows = 0;
  for (const spec of tables) {
    // Whole buckets of this table covering the range.
    const from = range.from === undefined ? undefined : rollupBucketOf(spec, range.from);
    const to = range.to === undefined ? undefined : rollupBucketOf(spec, range.to - 1) + spec.sizeMs;
    let del = trx.deleteFrom(spec.name);
    if (from !== undefined) del = del.where('bucket_start', '>=', from);
    if (to !== undefined) del = del.where('bucket_start', '<', to);
    await del.execute();
    const grouped = await groupSelectSql({
      source: 'ledger', ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}),
      bucket: { kind: 'uniform', originMs: spec.originMs, sizeMs: spec.sizeMs }, dims: spec.dimensions, filters: {},
    }).execute(trx);
    const rows = grouped.rows.map((g) => {
      const values = spec.dimensions.map((_, i) => String(g[`d${i}`] ?? ''));
      const row = { bucket_start: Number(g.b), dims_key: dimsKey(values) } as RollupRow;
      spec.dimensions.forEach((d, i) => { row[DIMENSION_COLUMNS[d] as DimensionColumn] = values[i] as string; });
      for (const c of METRIC_COLUMNS) row[c] = Number(g[c]);
      return row;
    });
    await upsertRows(trx, spec, rows);
    rollupRows += rows.length;
  }
  return { rollupRows };
}

/** CREATE TABLE of a rollup table: bucket, key, dimension columns, metric columns, indexes. */
export async function createRollupTable(db: Kysely<unknown>, spec: RollupTableSpec, i64: ColumnDataType): Promise<void> {
  let table: CreateTableBuilder<string, string> = db.schema
    .createTable(spec.name)
    .addColumn('bucket_start', i64, (c) => c.notNull())
    .addColumn('dims_key', 'text', (c) => c.notNull());
  for (const dim of spec.dimensions) table = table.addColumn(DIMENSION_COLUMNS[dim], 'text', (c) => c.notNull());
  for (const metric of METRIC_COLUMNS) table = table.addColumn(metric, i64, (c) => c.notNull());
  await table.addPrimaryKeyConstraint(`${spec.name}_pk`, ['bucket_start', 'dims_key']).execute();
  await db.schema.createIndex(`${spec.name}_tenant_idx`).on(spec.name).columns(['tenant_id', 'bucket_start']).execute();
}
