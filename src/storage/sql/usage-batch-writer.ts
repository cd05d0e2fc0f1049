/**
 * The hot ledger write behind `HubStore.insertUsage`, one implementation per backend:
 * usage-batch-sqlite.ts (better-sqlite3 statements prepared once) and usage-batch-postgres.ts
 * (fixed SQL texts over array parameters). Both keep the same contract:
 *  - one ledger row per (requestId, attempt): an event whose pair is already stored, or
 *    repeated earlier in the same batch, is skipped;
 *  - only the rows really inserted are added to every rollup table (so a retried batch is
 *    never counted twice), in the same transaction as the rows; all or nothing.
 */
import type { UsageEvent } from '../../core/domain.js';
import type { RollupDelta } from './usage-rollup-aggregate.js';
import { DIMENSION_COLUMNS, METRIC_COLUMNS, type RollupTableSpec } from './usage-rollup-schema.js';

export interface UsageBatchWriter {
  /** Writes one batch in one transaction; rejects (nothing written) on any database error. */
  write(events: readonly UsageEvent[]): Promise<void>;
}

/** Columns of a rollup upsert, in the order of `rollupDeltaValues`. */
export function rollupColumns(spec: RollupTableSpec): string[] {
  return ['bucket_start', 'dims_key', ...spec.dimensions.map((d) => DIMENSION_COLUMNS[d]), ...METRIC_COLUMNS];
}

/** Values of one delta in `rollupColumns` order. */
export function rollupDeltaValues(delta: RollupDelta): (string | number)[] {
  return [delta.bucketStart, delta.dimsKey, ...delta.values, ...METRIC_COLUMNS.map((c) => delta.metrics[c])];
}

/** `"name"`: our table and column names are constants; quoted anyway. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
