/**
 * `npx tsx bench/usage/run.ts` — cost analytics benchmark (issue 3 §6): loads synthetic ledger
 * rows through the real write path (`insertUsage`: ledger + hour rollups in one transaction),
 * then times grouped month queries through the same UsageService the admin API uses.
 * Target: a grouped month query (group by model and app, bucket day) over 1M rows < 200 ms.
 *
 * Options: --rows=1000000 --runs=30 --batch=5000 --db=sqlite,postgres --keep
 *   --write-docs (replace the results block in docs/usage-analytics.md and docs/usage-analytics.zh-CN.md)
 * PostgreSQL: ZHONGSHU_BENCH_PG_URL, else the test default (see test/contract/databases.ts);
 * skipped when unreachable. Each run uses a fresh SQLite file / PostgreSQL schema.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { AdminCaller } from '../../src/governance/admin/index.js';
import { UsageService, monthRange, type UsageQueryParams } from '../../src/governance/usage/index.js';
import { createStore } from '../../src/storage/index.js';
import { createUsageAnalyticsStore } from '../../src/storage/sql/usage-analytics-store.js';
import { groupSelectSql } from '../../src/storage/sql/usage-group-sql.js';
import { createPostgresTestDatabase, createSqliteTestDatabase, probePostgres, type TestDatabase } from '../../test/contract/databases.js';
import { syntheticBatches } from './usage-synthetic.js';

interface Options { rows: number; runs: number; batch: number; dbs: string[]; keep: boolean; writeDocs: boolean }

function parseArgs(argv: string[]): Options {
  const get = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return {
    rows: Number(get('rows') ?? 1_000_000), runs: Number(get('runs') ?? 30), batch: Number(get('batch') ?? 5000),
    dbs: (get('db') ?? 'sqlite,postgres').split(','), keep: argv.includes('--keep'), writeDocs: argv.includes('--write-docs'),
  };
}

const CALLER: AdminCaller = { userId: 'bench', username: 'bench', role: 'platform_admin', via: 'session', tokenId: 'bench' };
const MONTH = '2026-11';
const TZ = 'Asia/Shanghai';

interface QueryCase { name: string; params: UsageQueryParams }

const CASES: QueryCase[] = [
  { name: 'month · day buckets · group by model, app (target)', params: { from: '2026-11', to: '2026-12', bucket: 'day', groupBy: ['model', 'app'] } },
  { name: 'month · day buckets · group by deployment, status', params: { from: '2026-11', to: '2026-12', bucket: 'day', groupBy: ['deployment', 'status'] } },
  { name: 'month · no buckets · one tenant by app, model (statement)', params: { from: '2026-11', to: '2026-12', bucket: 'none', groupBy: ['app', 'model'], filters: { tenant: ['securities'] } } },
  { name: 'month · hour buckets · group by provider', params: { from: '2026-11', to: '2026-12', bucket: 'hour', groupBy: ['provider'] } },
  { name: 'month · no buckets · group by end_user (full rollup)', params: { from: '2026-11', to: '2026-12', bucket: 'none', groupBy: ['end_user'] } },
  { name: 'unaligned range (ledger edges) · day · model, app', params: { from: '2026-11-03T10:17:00', to: '2026-11-20T15:42:30', bucket: 'day', groupBy: ['model', 'app'] } },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function openDatabase(name: string): Promise<TestDatabase | undefined> {
  if (name === 'sqlite') return createSqliteTestDatabase();
  const override = process.env['ZHONGSHU_BENCH_PG_URL'];
  if (override !== undefined && override !== '') process.env['ZHONGSHU_TEST_PG_URL'] = override;
  const probe = await probePostgres();
  if (probe.url === undefined) {
    console.log(`postgres: skipped (${probe.reason ?? 'unreachable'})`);
    return undefined;
  }
  return createPostgresTestDatabase(probe.url);
}

interface DbResult { db: string; rows: number; loadSeconds: number; rollupCore: number; rollupFull: number; cases: Array<{ name: string; p50: number; p99: number; groups: number }>; ledgerOnlyMs: number }

async function benchDatabase(name: string, o: Options): Promise<DbResult | undefined> {
  const database = await openDatabase(name);
  if (database === undefined) return undefined;
  const store = await createStore(database.url);
  try {
    await store.migrate();
    const { from, to } = monthRange(MONTH, TZ);
    const t0 = performance.now();
    let loaded = 0;
    for (const batch of syntheticBatches(o.rows, from, to, o.batch)) {
      await store.insertUsage(batch);
      loaded += batch.length;
      if (loaded % 100_000 < batch.length) process.stdout.write(`\r${name}: loaded ${loaded.toLocaleString('en-US')} rows`);
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    process.stdout.write(`\r${name}: loaded ${loaded.toLocaleString('en-US')} rows in ${loadSeconds.toFixed(1)} s\n`);
    if (name === 'postgres') await store.db.executeQuery({ sql: 'analyze', parameters: [], query: { kind: 'RawNode', sqlFragments: ['analyze'], parameters: [] } } as never).catch(() => undefined);
    const count = async (table: string) => Number(((await store.db.selectFrom(table as never).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()) as { n: number | string } | undefined)?.n ?? 0);
    const analytics = createUsageAnalyticsStore(store);
    const service = new UsageService({ analytics, store, timeZone: TZ });
    const cases: DbResult['cases'] = [];
    for (const c of CASES) {
      let groups = 0;
      const times: number[] = [];
      for (let i = 0; i < o.runs + 2; i++) {
        const s = performance.now();
        const report = await service.report(CALLER, c.params);
        const ms = performance.now() - s;
        if (i >= 2) times.push(ms);
        groups = report.rowCount;
      }
      times.sort((a, b) => a - b);
      cases.push({ name: c.name, p50: percentile(times, 50), p99: percentile(times, 99), groups });
      console.log(`${name}: ${c.name}: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms (${groups} groups)`);
    }
    // Baseline: the target query straight on the raw ledger (what the rollups save).
    const s = performance.now();
    await groupSelectSql({ source: 'ledger', from, to, bucket: { kind: 'uniform', originMs: from, sizeMs: 86_400_000 }, dims: ['model', 'app', 'currency'], filters: {} }).execute(store.db);
    const ledgerOnlyMs = performance.now() - s;
    return { db: name, rows: loaded, loadSeconds, rollupCore: await count('usage_rollup_hourly_core'), rollupFull: await count('usage_rollup_hourly'), cases, ledgerOnlyMs };
  } finally {
    await store.close();
    if (!o.keep) await database.cleanup();
    else console.log(`kept ${name} database: ${database.url}`);
  }
}

function markdown(results: DbResult[], o: Options): string {
  const lines = [
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}. ${o.runs} timed runs per query after 2 warm-ups; synthetic month ${MONTH} (${TZ}).`,
    '',
    '| database | ledger rows | load (insertUsage + rollups) | hourly core rollup rows | hourly full rollup rows | same target query on the raw ledger |',
    '|---|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.db} | ${r.rows.toLocaleString('en-US')} | ${r.loadSeconds.toFixed(1)} s (${Math.round(r.rows / r.loadSeconds).toLocaleString('en-US')} rows/s) | ${r.rollupCore.toLocaleString('en-US')} | ${r.rollupFull.toLocaleString('en-US')} | ${r.ledgerOnlyMs.toFixed(0)} ms |`),
    '',
    '| database | query | groups | p50 | p99 |',
    '|---|---|---:|---:|---:|',
    ...results.flatMap((r) => r.cases.map((c) => `| ${r.db} | ${c.name} | ${c.groups.toLocaleString('en-US')} | ${c.p50.toFixed(1)} ms | ${c.p99.toFixed(1)} ms |`)),
  ];
  return lines.join('\n');
}

function writeDocs(block: string): void {
  for (const file of ['docs/usage-analytics.md', 'docs/usage-analytics.zh-CN.md']) {
    const text = readFileSync(file, 'utf8');
    const start = '<!-- bench:usage:start -->';
    const end = '<!-- bench:usage:end -->';
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    if (a < 0 || b < a) { console.log(`${file}: no results block, not updated`); continue; }
    writeFileSync(file, `${text.slice(0, a + start.length)}\n${block}\n${text.slice(b)}`);
    console.log(`updated ${file}`);
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const results: DbResult[] = [];
  for (const db of o.dbs) {
    const r = await benchDatabase(db, o);
    if (r !== undefined) results.push(r);
  }
  const block = markdown(results, o);
  console.log(`\n${block}\n`);
  const target = results.map((r) => ({ db: r.db, p99: r.cases[0]?.p99 ?? Infinity }));
  for (const t of target) console.log(`${t.db}: target query p99 ${t.p99.toFixed(1)} ms — ${t.p99 < 200 ? 'PASS' : 'FAIL'} (< 200 ms)`);
  if (o.writeDocs) writeDocs(block);
}

await main();
