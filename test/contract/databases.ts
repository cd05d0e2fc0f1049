/**
 * Test databases for suites that must hold on both backends (store contract, budget proofs).
 *
 *   const dbs = await testDatabases();            // top-level await in the test file
 *   for (const db of dbs) describe.skipIf(!db.available)(db.name, () => { … await db.create() … });
 *
 * SQLite: a fresh temp file per `create()`. PostgreSQL: a fresh schema (random name) per
 * `create()` in the server at `ZHONGSHU_TEST_PG_URL` or `postgres://postgres@127.0.0.1:5432/test`
 * (then user `root`), selected through the connection's search_path; `cleanup()` drops it.
 * PostgreSQL unreachable: with `CI` set, `create()` throws (the suite FAILS); otherwise
 * `available` is false and `skipReason` says why.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { createStore, type SqlHubStore } from '../../src/storage/index.js';

export type TestDatabaseName = 'sqlite' | 'postgres';

export interface TestDatabase {
  name: TestDatabaseName;
  /** A DATABASE_URL for createStore / the CLI / startHub. */
  url: string;
  /** Removes the file or drops the schema. */
  cleanup(): Promise<void>;
}

export interface TestDatabaseFactory {
  name: TestDatabaseName;
  available: boolean;
  skipReason?: string;
  create(): Promise<TestDatabase>;
}

const DEFAULT_PG_URLS = ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

async function canConnect(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

let probed: Promise<{ url?: string; reason?: string }> | undefined;

/** Finds a reachable PostgreSQL base URL once per process. */
export function probePostgres(): Promise<{ url?: string; reason?: string }> {
  probed ??= (async () => {
    const override = process.env['ZHONGSHU_TEST_PG_URL'];
    const candidates = override !== undefined && override !== '' ? [override] : DEFAULT_PG_URLS;
    const reasons: string[] = [];
    for (const url of candidates) {
      const reason = await canConnect(url);
      if (reason === undefined) return { url };
      reasons.push(`${url.replace(/\/\/[^@]*@/, '//…@')}: ${reason}`);
    }
    return { reason: `PostgreSQL unreachable (${reasons.join('; ')}); set ZHONGSHU_TEST_PG_URL` };
  })();
  return probed;
}

function withSearchPath(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function adminQuery(baseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createPostgresTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const schema = `zs_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(baseUrl, `create schema ${schema}`);
  return {
    name: 'postgres',
    url: withSearchPath(baseUrl, schema),
    cleanup: () => adminQuery(baseUrl, `drop schema if exists ${schema} cascade`),
  };
}

export async function createSqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'zs-test-db-'));
  return {
    name: 'sqlite',
    url: join(dir, 'hub.db'),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Both backends; see the file comment for the skip/fail rule. */
export async function testDatabases(): Promise<TestDatabaseFactory[]> {
  const probe = await probePostgres();
  const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
  const sqlite: TestDatabaseFactory = { name: 'sqlite', available: true, create: createSqliteTestDatabase };
  if (probe.url !== undefined) {
    const url = probe.url;
    return [sqlite, { name: 'postgres', available: true, create: () => createPostgresTestDatabase(url) }];
  }
  const reason = probe.reason ?? 'PostgreSQL unreachable';
  if (inCi) {
    return [sqlite, { name: 'postgres', available: true, create: () => Promise.reject(new Error(`CI requires PostgreSQL: ${reason}`)) }];
  }
  console.warn(`[test] skipping PostgreSQL cases: ${reason}`);
  return [sqlite, { name: 'postgres', available: false, skipReason: reason, create: () => Promise.reject(new Error(reason)) }];
}

/**
 * Registers beforeEach/afterEach hooks in the enclosing describe: a fresh database from
 * `factory`, a migrated store on it (handed to `use`), closed and removed after each test.
 */
export function withFreshStore(factory: TestDatabaseFactory, use: (db: TestDatabase, store: SqlHubStore) => void): void {
  let db: TestDatabase | undefined;
  let store: SqlHubStore | undefined;
  beforeEach(async () => {
    db = await factory.create();
    store = await createStore(db.url);
    await store.migrate();
    use(db, store);
  });
  afterEach(async () => {
    await store?.close();
    await db?.cleanup();
  });
}
