/** PostgreSQL backend: a `pg` Pool whose BIGINT columns come back as JS numbers. */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { SqlHubStore } from './sql/sql-store.js';
import { createPostgresUsageBatchWriter } from './sql/usage-batch-postgres.js';
import type { HubDatabase } from './sql/sql-schema.js';

const INT8_OID = 20;

/** BIGINT → number; refuses values past 2^53 rather than silently rounding money. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`BIGINT value ${text} exceeds the safe integer range`);
  return value;
}

/** Per-pool type parsers (the global pg.types registry is left untouched). */
const hubTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

export function createPostgresStore(connectionString: string): SqlHubStore {
  const pool = new pg.Pool({ connectionString, max: 10, types: hubTypes as pg.CustomTypesConfig });
  // An idle client's error (e.g. server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<HubDatabase>({ dialect: new PostgresDialect({ pool }) });
  return new SqlHubStore(db, 'postgres', createPostgresUsageBatchWriter(db));
}
