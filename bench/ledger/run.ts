/**
 * Ledger write throughput: how many usage rows per second the batched ledger writer persists,
 * on SQLite (file, WAL) and PostgreSQL (127.0.0.1:5432/test, a scratch schema), at a few batch
 * sizes. Rows are synthetic but realistic (bench/usage/usage-synthetic.ts).
 *
 *   npx tsx bench/ledger/run.ts [--rows 100000]
 *
 * Not part of npm test. Bounded: a fixed number of rows per run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { UsageEvent } from '../../src/core/domain.js';
import { createLedgerWriter, createStore } from '../../src/storage/index.js';
import { syntheticBatches } from '../usage/usage-synthetic.js';

const rowsArg = process.argv.indexOf('--rows');
const TOTAL = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 100_000;
const BATCHES = [100, 500, 2_000];
const MONTH_START = Date.UTC(2026, 9, 31, 16);
const MONTH_END = Date.UTC(2026, 10, 30, 16);

function rows(): UsageEvent[] {
  const out: UsageEvent[] = [];
  for (const batch of syntheticBatches(TOTAL, MONTH_START, MONTH_END, 5_000, 7)) out.push(...batch);
  return out.slice(0, TOTAL);
}

async function measure(url: string, maxBatch: number, data: UsageEvent[]): Promise<number> {
  const store = await createStore(url);
  await store.migrate();
  const writer = createLedgerWriter(store, { maxBatch, flushIntervalMs: 5 });
  const started = process.hrtime.bigint();
  for (const row of data) writer.append({ ...row, requestId: `${row.requestId}-${maxBatch}` });
  await writer.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  return data.length / seconds;
}

async function withPgSchema<T>(run: (url: string) => Promise<T>): Promise<T | undefined> {
  const base = process.env.ZHONGSHU_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_ledger_${process.pid}`;
  const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (err) {
    console.log(`PostgreSQL unreachable (${String(err)}): skipped`);
    return undefined;
  }
  await admin.query(`create schema ${schema}`);
  try {
    return await run(`${base}?options=-c%20search_path%3D${schema}`);
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const data = rows();
  console.log(`ledger write throughput, ${data.length} rows per run\n`);
  console.log('| backend | batch | rows/s |');
  console.log('|---|---:|---:|');
  for (const batch of BATCHES) {
    const dir = mkdtempSync(join(tmpdir(), 'zhongshu-ledger-bench-'));
    try {
      const rate = await measure(join(dir, 'bench.db'), batch, data);
      console.log(`| SQLite | ${batch} | ${Math.round(rate).toLocaleString('en-US')} |`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const batch of BATCHES) {
    const rate = await withPgSchema((url) => measure(url, batch, data));
    if (rate !== undefined) console.log(`| PostgreSQL | ${batch} | ${Math.round(rate).toLocaleString('en-US')} |`);
  }
}

await main();
