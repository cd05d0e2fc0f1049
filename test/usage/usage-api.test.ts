/**
 * The usage API over HTTP on a real hub: ledger rows written by the data plane (simulator
 * models, several apps, keys and end users) come back through GET /usage grouped any way with
 * totals equal to the raw rows; GET /usage/events finds a request by id; CSV exports escape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/core/domain.js';
import { chat, parseCsv, startUsageTestHub, type UsageTestHub } from './usage-harness.js';

let t: UsageTestHub;
let rows: UsageEvent[];
let requestIds: string[];
let from: number;
const TRICKY_USER = '=HYPERLINK("x"), "boss"\n第二行';

async function waitForRows(count: number): Promise<UsageEvent[]> {
  for (let i = 0; i < 100; i++) {
    const list = await t.hub.store.queryUsage({ from });
    if (list.length >= count) return list;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`ledger rows did not arrive (wanted ${count})`);
}

beforeAll(async () => {
  t = await startUsageTestHub();
  from = Date.now() - 1;
  const calls: Array<[keyof UsageTestHub['keys'], Record<string, unknown>]> = [
    ['acme-crm', { model: 'chat-standard', user: 'alice' }],
    ['acme-crm', { model: 'chat-standard', user: TRICKY_USER }],
    ['acme-crm', { model: 'chat-economy', user: 'alice', stream: true, stream_options: { include_usage: true } }],
    ['acme-bi', { model: 'chat-economy' }],
    ['acme-bi', { model: 'chat-standard', user: 'bob' }],
    ['globex-app', { model: 'chat-standard', user: 'alice' }],
    ['globex-app', { model: 'chat-economy' }],
  ];
  requestIds = [];
  for (const [app, body] of calls) requestIds.push(await chat(t.hub.url, t.keys[app], body));
  rows = await waitForRows(calls.length);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const sum = (list: UsageEvent[], f: (e: UsageEvent) => number) => list.reduce((s, e) => s + f(e), 0);
const range = () => `from=${from}&to=${Date.now() + 1}`;

describe('GET /usage', () => {
  it('data-plane rows are priced and the totals reconcile with the raw ledger', async () => {
    expect(rows.length).toBe(7);
    expect(sum(rows, (e) => e.costMicros)).toBeGreaterThan(0);
    const r = await t.api.platform('GET', `/usage?${range()}&bucket=hour&group_by=model,app`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.totals.attempts).toBe(7);
    expect(r.body.totals.inputTokens).toBe(sum(rows, (e) => e.inputTokens));
    expect(r.body.totals.outputTokens).toBe(sum(rows, (e) => e.outputTokens));
    expect(r.body.totals.costs).toEqual([{ currency: 'USD', costMicros: sum(rows, (e) => e.costMicros), cost: expect.any(String), attempts: 7, unpricedCount: 0 }]);
    const rowCost = r.body.rows.reduce((s: number, x: { costMicros: number }) => s + x.costMicros, 0);
    expect(rowCost).toBe(sum(rows, (e) => e.costMicros));
    const crmStandard = r.body.rows.filter((x: { dims: Record<string, string> }) => x.dims.app === 'acme-crm' && x.dims.model === 'chat-standard');
    const want = rows.filter((e) => e.appId === 'acme-crm' && e.requestedModel === 'chat-standard');
    expect(crmStandard.reduce((s: number, x: { attempts: number }) => s + x.attempts, 0)).toBe(want.length);
    expect(crmStandard.reduce((s: number, x: { costMicros: number }) => s + x.costMicros, 0)).toBe(sum(want, (e) => e.costMicros));
  });

  it('groups by every dimension and filters, each total equal to the matching raw rows', async () => {
    for (const dim of ['tenant', 'app', 'key', 'end_user', 'model', 'upstream_model', 'deployment', 'provider', 'biz_level', 'plugin', 'prompt', 'status', 'currency']) {
      const r = await t.api.platform('GET', `/usage?${range()}&bucket=none&group_by=${dim}`);
      expect(r.status, `${dim}: ${r.text}`).toBe(200);
      expect(r.body.rows.reduce((s: number, x: { attempts: number }) => s + x.attempts, 0)).toBe(7);
    }
    const f = await t.api.platform('GET', `/usage?${range()}&bucket=none&tenant=acme&model=chat-standard,chat-economy&end_user=alice`);
    const want = rows.filter((e) => e.tenantId === 'acme' && e.endUser === 'alice');
    expect(f.body.totals.attempts).toBe(want.length);
    expect(f.body.totals.costs[0].costMicros).toBe(sum(want, (e) => e.costMicros));
    const byKey = await t.api.platform('GET', `/usage?${range()}&bucket=none&key=${t.keyIds['acme-bi']}`);
    expect(byKey.body.totals.attempts).toBe(2);
  });

  it('rejects unknown dimensions, parameters, zones and non-whole-hour zones for day buckets', async () => {
    expect((await t.api.platform('GET', '/usage?group_by=model,colour')).status).toBe(400);
    expect((await t.api.platform('GET', '/usage?groupby=model')).status).toBe(400);
    expect((await t.api.platform('GET', '/usage?tz=Mars/Base')).status).toBe(400);
    const kolkata = await t.api.platform('GET', '/usage?bucket=day&tz=Asia/Kolkata&from=2026-11-01&to=2026-11-03');
    expect(kolkata.status).toBe(400);
    expect(kolkata.body.error.message).toContain('whole UTC hour');
    expect((await t.api.platform('GET', '/usage?bucket=hour&tz=Asia/Kolkata&from=2026-11-01&to=2026-11-03')).status).toBe(200);
    expect((await t.api.platform('GET', '/usage?from=2026-11-02&to=2026-11-01')).status).toBe(400);
    expect((await t.api.platform('GET', '/usage?from=yesterday')).status).toBe(400);
  });

  it('exports CSV with escaping, formula guard, a BOM and decimal money', async () => {
    const r = await fetch(`${t.hub.url}/admin/api/v1/usage?${range()}&bucket=none&group_by=end_user,app`, { headers: { authorization: `Bearer ${t.platformToken}`, accept: 'text/csv' } });
    expect(r.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await r.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const table = parseCsv(text);
    const header = table[0] as string[];
    expect(header.slice(0, 5)).toEqual(['bucket', 'bucket_start', 'end_user', 'app', 'currency']);
    const body = table.slice(1);
    const tricky = body.find((row) => row[2] === `'${TRICKY_USER}`);
    expect(tricky, text).toBeDefined();
    const costAt = header.indexOf('cost');
    const microsAt = header.indexOf('cost_micros');
    let micros = 0;
    for (const row of body) {
      const m = Number(row[microsAt]);
      micros += m;
      expect(row[costAt]).toBe(`${Math.floor(m / 1e6)}.${String(m % 1e6).padStart(6, '0')}`);
    }
    expect(micros).toBe(sum(rows, (e) => e.costMicros));
  });
});

describe('GET /usage/events', () => {
  it('finds the rows of one request id, as JSON and as CSV', async () => {
    const id = requestIds[1] as string;
    expect(id).not.toBe('');
    const r = await t.api.platform('GET', `/usage/events?request_id=${encodeURIComponent(id)}`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.data).toHaveLength(1);
    expect(r.body.data[0].endUser).toBe(TRICKY_USER);
    expect(r.body.data[0].cost).toMatch(/^\d+\.\d{6}$/);
    const csv = await t.api.platform('GET', `/usage/events?request_id=${encodeURIComponent(id)}&format=csv`);
    const table = parseCsv(csv.text.replace(/^\uFEFF/, ''));
    expect(table).toHaveLength(2);
    expect(table[1]?.[(table[0] as string[]).indexOf('end_user')]).toBe(`'${TRICKY_USER}`);
  });

  it('pages through every row with the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const r: { body: { data: Array<{ requestId: string }>; nextCursor: string | null } } = await t.api.platform('GET', `/usage/events?from=${from}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.body.data.map((e) => e.requestId));
      cursor = r.body.nextCursor;
      if (cursor === null) break;
    }
    expect(seen.sort()).toEqual([...requestIds].sort());
    expect((await t.api.platform('GET', '/usage/events?cursor=bm9wZQ')).status).toBe(400);
  });
});
