/** The batched ledger writer loses nothing: under load, across DB failures, on close. */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/ports.js';
import { createLedgerWriter, type SqlHubStore } from '../../src/storage/index.js';
import { testDatabases, withFreshStore, type TestDatabase } from './databases.js';
import { sampleUsage } from './store-fixtures.js';

const factories = await testDatabases();

function recordingLogger(lines: string[]): Logger {
  const log = (obj: object, msg?: string) => void lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

for (const factory of factories) {
  describe.skipIf(!factory.available)(`ledger writer — ${factory.name}`, () => {
    let db!: TestDatabase;
    let store!: SqlHubStore;
    withFreshStore(factory, (d, s) => {
      db = d;
      store = s;
    });

    it('append returns immediately and every row appended under load is stored after close()', async () => {
      const writer = createLedgerWriter(store, { maxBatch: 100, flushIntervalMs: 5 });
      const producers = Array.from({ length: 20 }, async (_, p) => {
        for (let i = 0; i < 150; i++) {
          writer.append(sampleUsage(`load-${p}-${i}`, { costMicros: p * 1000 + i }));
          if (i % 25 === 0) await new Promise((r) => setImmediate(r));
        }
      });
      await Promise.all(producers);
      await writer.close();
      const rows = await store.queryUsage({});
      expect(rows).toHaveLength(3000);
      expect(new Set(rows.map((r) => r.requestId)).size).toBe(3000);
      const expected = Array.from({ length: 20 }, (_, p) => Array.from({ length: 150 }, (_, i) => p * 1000 + i)).flat().reduce((a, b) => a + b, 0);
      expect(rows.reduce((sum, r) => sum + r.costMicros, 0)).toBe(expected);
    });

    it('keeps rows through a database error and writes them after recovery, without duplicates', async () => {
      const lines: string[] = [];
      const writer = createLedgerWriter(store, { maxBatch: 50, flushIntervalMs: 5, baseBackoffMs: 10, maxBackoffMs: 40, logger: recordingLogger(lines) });
      for (let i = 0; i < 30; i++) writer.append(sampleUsage(`before-${i}`));
      await writer.flush();
      // Take the ledger table away: every write now fails with a real database error.
      await sql`alter table usage_events rename to usage_events_away`.execute(store.db);
      for (let i = 0; i < 120; i++) writer.append(sampleUsage(`during-${i}`, { endUser: 'secret-looking-user' }));
      for (let i = 0; i < 200 && !lines.some((l) => l.includes('ledger write failed')); i++) await new Promise((r) => setTimeout(r, 10));
      expect(lines.some((l) => l.includes('ledger write failed'))).toBe(true);
      expect(lines.join('\n')).not.toContain('secret-looking-user');
      expect(writer.pending()).toBe(120);
      await sql`alter table usage_events_away rename to usage_events`.execute(store.db);
      await writer.close();
      const rows = await store.queryUsage({});
      expect(rows).toHaveLength(150);
      expect(rows.filter((r) => r.requestId.startsWith('during-'))).toHaveLength(120);
    });

    it('flush() rejects after its timeout while the database stays down, keeping the rows', async () => {
      const writer = createLedgerWriter(store, { flushIntervalMs: 5, baseBackoffMs: 5, maxBackoffMs: 10, flushTimeoutMs: 200 });
      await sql`alter table usage_events rename to usage_events_away`.execute(store.db);
      writer.append(sampleUsage('stuck'));
      await expect(writer.flush()).rejects.toThrow(/1 rows still queued/);
      await sql`alter table usage_events_away rename to usage_events`.execute(store.db);
      await writer.close();
      expect((await store.queryUsage({})).map((r) => r.requestId)).toEqual(['stuck']);
    });
  });
}
