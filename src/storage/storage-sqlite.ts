/** SQLite backend: better-sqlite3 with WAL, a busy timeout and synchronous=NORMAL. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { SqlHubStore } from './sql/sql-store.js';
import { createSqliteUsageBatchWriter } from './sql/usage-batch-sqlite.js';
import type { HubDatabase } from './sql/sql-schema.js';

/** Opens (creating the parent directory) the SQLite file at `path`; `:memory:` is allowed. */
export function createSqliteStore(path: string): SqlHubStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = NORMAL');
  const db = new Kysely<HubDatabase>({ dialect: new SqliteDialect({ database }) });
  return new SqlHubStore(db, 'sqlite', createSqliteUsageBatchWriter(db, database));
}
