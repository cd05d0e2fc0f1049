/**
 * SQLite ledger batch writer: statements prepared once (lazily, after migrations) and run in
 * one synchronous BEGIN IMMEDIATE transaction per batch. Which rows are new comes from the
 * `changes` of each single-row INSERT … ON CONFLICT DO NOTHING; their rollup deltas are summed
 * in JS and upserted with one prepared statement per rollup table.
 *
 * better-sqlite3 has one connection, shared with Kysely: the write holds Kysely's connection
 * lock, so it never runs inside (or interleaves with) a Kysely transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { UsageEvent } from '../../core/domain.js';
import { USAGE_COLUMNS, usageValues } from './sql-rows.js';
import type { HubDatabase } from './sql-schema.js';
import { quoteIdent, rollupColumns, rollupDeltaValues, type UsageBatchWriter } from './usage-batch-writer.js';
import { hourGroups, rollupDeltas } from './usage-rollup-aggregate.js';
import { METRIC_COLUMNS, ROLLUP_TABLES } from './usage-rollup-schema.js';

const INSERT_USAGE_SQL =
  `insert into usage_events (${USAGE_COLUMNS.map(quoteIdent).join(', ')}) values (${USAGE_COLUMNS.map(() => '?').join(', ')}) ` +
  'on conflict (request_id, attempt) do nothing';

function upsertRollupSql(table: string, columns: readonly string[]): string {
  const add = METRIC_COLUMNS.map((c) => `${quoteIdent(c)} = ${quoteIdent(table)}.${quoteIdent(c)} + excluded.${quoteIdent(c)}`);
  return (
    `insert into ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) values (${columns.map(() => '?').join(', ')}) ` +
    `on conflict (bucket_start, dims_key) do update set ${add.join(', ')}`
  );
}

type Database = BetterSqlite3.Database;
type WriteBatch = BetterSqlite3.Transaction<(events: readonly UsageEvent[]) => void>;

function prepareWrite(database: Database): WriteBatch {
  const insertUsage = database.prepare(INSERT_USAGE_SQL);
  const rollups = ROLLUP_TABLES.map((spec) => ({ spec, upsert: database.prepare(upsertRollupSql(spec.name, rollupColumns(spec))) }));
  return database.transaction((events: readonly UsageEvent[]) => {
    const inserted: UsageEvent[] = [];
    for (const e of events) {
      if (insertUsage.run(usageValues(e)).changes === 1) inserted.push(e);
    }
    if (inserted.length === 0) return;
    const groups = hourGroups(inserted);
    for (const { spec, upsert } of rollups) {
      for (const delta of rollupDeltas(spec, groups)) upsert.run(rollupDeltaValues(delta));
    }
  });
}

class SqliteUsageBatchWriter implements UsageBatchWriter {
  /** Prepared on first use: the tables exist only after `migrate()`. */
  private writeBatch: WriteBatch | undefined;

  constructor(
    private readonly db: Kysely<HubDatabase>,
    private readonly database: Database,
  ) {}

  async write(events: readonly UsageEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.connection().execute(async () => {
      // Holding Kysely's lock, no Kysely transaction can be open; better-sqlite3 would otherwise
      // nest this batch in it as a savepoint.
      if (this.database.inTransaction) throw new Error('ledger write: the SQLite connection is unexpectedly inside a transaction');
      this.writeBatch ??= prepareWrite(this.database);
      this.writeBatch.immediate(events);
    });
  }
}

export function createSqliteUsageBatchWriter(db: Kysely<HubDatabase>, database: Database): UsageBatchWriter {
  return new SqliteUsageBatchWriter(db, database);
}
