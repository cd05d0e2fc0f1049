/**
 * PostgreSQL ledger batch writer: fixed SQL texts (never recompiled per batch) taking one
 * array parameter per column, expanded with `unnest`, so one statement writes a batch of any
 * size. The batch is first reduced to the first event of each (requestId, attempt); the
 * INSERT … ON CONFLICT DO NOTHING RETURNING then names exactly the new rows, whose rollup
 * deltas are summed in JS and upserted, sorted, in the same transaction.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { UsageEvent } from '../../core/domain.js';
import { USAGE_COLUMNS, usageValues, type UsageValue } from './sql-rows.js';
import type { HubDatabase } from './sql-schema.js';
import { quoteIdent, rollupColumns, rollupDeltaValues, type UsageBatchWriter } from './usage-batch-writer.js';
import { hourGroups, rollupDeltas } from './usage-rollup-aggregate.js';
import { METRIC_COLUMNS, ROLLUP_TABLES, type RollupTableSpec } from './usage-rollup-schema.js';

type PgType = 'text' | 'integer' | 'bigint';

/** PostgreSQL type of every ledger column (migration 001). */
const USAGE_TYPES: Record<(typeof USAGE_COLUMNS)[number], PgType> = {
  request_id: 'text', attempt: 'integer', started_at: 'bigint', finished_at: 'bigint', tenant_id: 'text', app_id: 'text',
  key_id: 'text', end_user: 'text', plugin: 'text', prompt_ref: 'text', requested_model: 'text', deployment_id: 'text',
  provider_id: 'text', upstream_model: 'text', decision: 'text', biz_level: 'text', stream: 'integer', status: 'text',
  error_code: 'text', input_tokens: 'bigint', output_tokens: 'bigint', cached_input_tokens: 'bigint', cache_write_tokens: 'bigint',
  reasoning_tokens: 'bigint', usage_source: 'text', cost_micros: 'bigint', currency: 'text', unpriced: 'integer',
  latency_ms: 'bigint', ttft_ms: 'bigint',
};

/** `insert into <table> (<columns>) select * from unnest($1::<type>[], …)`. */
function insertUnnestSql(table: string, columns: readonly string[], types: readonly PgType[]): string {
  const arrays = types.map((t, i) => `$${i + 1}::${t}[]`);
  return `insert into ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) select * from unnest(${arrays.join(', ')})`;
}

const INSERT_USAGE_SQL =
  insertUnnestSql('usage_events', USAGE_COLUMNS, USAGE_COLUMNS.map((c) => USAGE_TYPES[c])) +
  ' on conflict (request_id, attempt) do nothing returning request_id, attempt';

function upsertRollupSql(spec: RollupTableSpec): string {
  // bucket_start and the metrics are BIGINT, dims_key and the dimensions TEXT.
  const types = rollupColumns(spec).map((c): PgType => (c === 'bucket_start' || (METRIC_COLUMNS as readonly string[]).includes(c) ? 'bigint' : 'text'));
  const add = METRIC_COLUMNS.map((c) => `${quoteIdent(c)} = ${quoteIdent(spec.name)}.${quoteIdent(c)} + excluded.${quoteIdent(c)}`);
  return `${insertUnnestSql(spec.name, rollupColumns(spec), types)} on conflict (bucket_start, dims_key) do update set ${add.join(', ')}`;
}

const ROLLUP_UPSERTS = ROLLUP_TABLES.map((spec) => ({ spec, sql: upsertRollupSql(spec), width: rollupColumns(spec).length }));

/** Rows of values → one array per column. */
function columnArrays(rows: readonly UsageValue[][], width: number): UsageValue[][] {
  const arrays = Array.from({ length: width }, () => new Array<UsageValue>(rows.length));
  rows.forEach((row, r) => row.forEach((value, c) => { (arrays[c] as UsageValue[])[r] = value; }));
  return arrays;
}

const attemptKey = (requestId: string, attempt: number): string => `${attempt}\u0000${requestId}`;

class PostgresUsageBatchWriter implements UsageBatchWriter {
  constructor(private readonly db: Kysely<HubDatabase>) {}

  async write(events: readonly UsageEvent[]): Promise<void> {
    if (events.length === 0) return;
    // First event of each (requestId, attempt), in batch order: the one a row-by-row insert keeps.
    const byKey = new Map<string, UsageEvent>();
    for (const e of events) {
      const key = attemptKey(e.requestId, e.attempt);
      if (!byKey.has(key)) byKey.set(key, e);
    }
    const unique = [...byKey.values()];
    await this.db.transaction().execute(async (trx) => {
      const insert = CompiledQuery.raw(INSERT_USAGE_SQL, columnArrays(unique.map(usageValues), USAGE_COLUMNS.length));
      const { rows } = await trx.executeQuery<{ request_id: string; attempt: number }>(insert);
      const inserted = rows.map((r) => {
        const event = byKey.get(attemptKey(r.request_id, Number(r.attempt)));
        if (event === undefined) throw new Error('ledger write: the database returned a row that is not in the batch');
        return event;
      });
      if (inserted.length === 0) return;
      const groups = hourGroups(inserted);
      for (const { spec, sql, width } of ROLLUP_UPSERTS) {
        await trx.executeQuery(CompiledQuery.raw(sql, columnArrays(rollupDeltas(spec, groups).map(rollupDeltaValues), width)));
      }
    });
  }
}

export function createPostgresUsageBatchWriter(db: Kysely<HubDatabase>): UsageBatchWriter {
  return new PostgresUsageBatchWriter(db);
}
