/**
 * Ledger write throughput: how many usage rows per second the batched ledger writer persists,
 * on SQLite (file, WAL) and PostgreSQL (127.0.0.1:5432/test, a scratch schema), at a few batch
 * sizes. Rows are synthetic but realistic (bench/usage/usage-synthetic.ts).
 *
 *   npx tsx bench/ledger/run.ts [--rows 100000] [--batch 500] [--backend sqlite|postgres] [--shape month|load]
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

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const TOTAL = Number(arg('--rows') ?? 100_000);
const BATCHES = arg('--batch') !== undefined ? [Number(arg('--batch'))] : [100, 500, 2_000];
const BACKEND = arg('--backend') ?? 'all';
const MONTH_START = Date.UTC(2026, 9, 31, 16);
const MONTH_END = Date.UTC(2026, 10, 30, 16);

const SHAPE = arg('--shape') ?? 'month';

/** A realistic month: many tenants, apps, keys, end users (many rollup rows per batch). */
function monthRows(): UsageEvent[] {
  const out: UsageEvent[] = [];
  for (const batch of syntheticBatches(TOTAL, MONTH_START, MONTH_END, 5_000, 7)) out.push(...batch);
  return out.slice(0, TOTAL);
}

/** A load test's rows (as in bench/perf): one key, two models, a few per millisecond (few rollup rows per batch). */
function loadTestRows(): UsageEvent[] {
  const base = syntheticBatches(1, MONTH_START, MONTH_END, 1, 7).next().value?.[0];
  if (base === undefined) throw new Error('no synthetic row');
  return Array.from({ length: TOTAL }, (_, i) => ({
    ...base, requestId: `load-${i}`, attempt: 1, startedAt: MONTH_START + Math.floor(i / 3), finishedAt: MONTH_START + Math.floor(i / 3) + 40,
    requestedModel: i % 2 === 0 ? 'chat-standard' : 'chat-premium', costMicros: 1000 + (i % 97), inputTokens: 120, outputTokens: 30,
  }));
}

function rows(): UsageEvent[] {
  if (SHAPE === 'month') return monthRows();
  if (SHAPE === 'load') return loadTestRows();
  throw new Error(`--shape must be month or load, got ${SHAPE}`);
}

interface Measurement {
  rowsPerSecond: number;
  /** CPU (user + system) of this Node process per row: the hub's own cost; PostgreSQL's server CPU is not included. */
  cpuUsPerRow: number;
}

async function measure(url: string, maxBatch: number, data: UsageEvent[]): Promise<Measurement> {
  const store = await createStore(url);
  await store.migrate();
  const writer = createLedgerWriter(store, { maxBatch, flushIntervalMs: 5 });
  const rows = data.map((row) => ({ ...row, requestId: `${row.requestId}-${maxBatch}` }));
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (const row of rows) writer.append(row);
  await writer.close();
  const used = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  return { rowsPerSecond: rows.length / seconds, cpuUsPerRow: (used.user + used.system) / rows.length };
}

function line(backend: string, batch: number, m: Measurement): string {
  return `| ${backend} | ${batch} | ${Math.round(m.rowsPerSecond).toLocaleString('en-US')} | ${m.cpuUsPerRow.toFixed(1)} |`;
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
  console.log(`ledger write throughput, ${data.length} rows per run, shape ${SHAPE}\n`);
  console.log('| backend | batch | rows/s | CPU us/row |');
  console.log('|---|---:|---:|---:|');
  for (const batch of BACKEND === 'postgres' ? [] : BATCHES) {
    const dir = mkdtempSync(join(tmpdir(), 'zhongshu-ledger-bench-'));
    try {
      console.log(line('SQLite', batch, await measure(join(dir, 'bench.db'), batch, data)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const batch of BACKEND === 'sqlite' ? [] : BATCHES) {
    const m = await withPgSchema((url) => measure(url, batch, data));
    if (m !== undefined) console.log(line('PostgreSQL', batch, m));
  }
}

await main();
