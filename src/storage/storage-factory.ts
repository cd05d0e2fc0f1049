/**
 * `createStore(databaseUrl)`: picks the backend from the URL and returns a migrated-on-demand
 * HubStore. Accepted forms:
 *  - `postgres://…` / `postgresql://…` → PostgreSQL (pg Pool)
 *  - `sqlite://path`, `sqlite:///abs/path`, `file:path`, a bare path, or `:memory:` → SQLite
 */
import type { HubStore } from '../core/store.js';
import type { SqlHubStore } from './sql/sql-store.js';
import { createPostgresStore } from './storage-postgres.js';
import { createSqliteStore } from './storage-sqlite.js';

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'sqlite'; path: string };

export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  const url = databaseUrl.trim();
  if (url === '') throw new Error('DATABASE_URL is empty: expected postgres://…, sqlite://path or a file path');
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (/^sqlite:\/\//i.test(url)) return { kind: 'sqlite', path: url.slice('sqlite://'.length) || ':memory:' };
  if (/^sqlite:/i.test(url)) return { kind: 'sqlite', path: url.slice('sqlite:'.length) };
  if (/^file:\/\//i.test(url)) return { kind: 'sqlite', path: decodeURIComponent(new URL(url).pathname) };
  if (/^file:/i.test(url)) return { kind: 'sqlite', path: url.slice('file:'.length) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new Error(`DATABASE_URL scheme is not supported: expected postgres://…, sqlite://path or a file path`);
  }
  return { kind: 'sqlite', path: url };
}

/**
 * Opens the store. Call `migrate()` before use (startHub and `zhongshu migrate` do).
 * The returned store also exposes `appliedMigrations()` and its dialect name.
 */
export async function createStore(databaseUrl: string): Promise<HubStore & SqlHubStore> {
  const target = parseDatabaseUrl(databaseUrl);
  return target.kind === 'postgres' ? createPostgresStore(target.url) : createSqliteStore(target.path);
}
