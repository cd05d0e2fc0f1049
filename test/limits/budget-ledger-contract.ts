/**
 * The BudgetLedger contract suite. Every implementation (memory now; Redis / PostgreSQL later)
 * runs it: describeBudgetLedgerContract('redis', (fixture) => createRedisBudgetLedger({ … })).
 */
import { describe, expect, it } from 'vitest';
import type { FxTable, Money } from '../../src/gateway/accounting/pricing-fx.js';
import { createBudgetAlerts, type BudgetAlertEvent, type BudgetAlerts } from '../../src/gateway/limits/budget-alerts.js';
import type { BudgetDefinition, BudgetLedger, BudgetReservation, BudgetScope } from '../../src/gateway/limits/budget.js';
import { manualClock, type ManualClock } from './manual-clock.js';

export interface BudgetLedgerFixture {
  clock: ManualClock;
  budgets: BudgetDefinition[];
  fx: FxTable;
  timeZone?: string;
  reservationTtlMs?: number;
  alerts?: BudgetAlerts;
}

export type BudgetLedgerFactory = (fixture: BudgetLedgerFixture) => BudgetLedger | Promise<BudgetLedger>;

const FX: FxTable = { USD_CNY: '7.20' };
const usd = (micros: number): Money => ({ micros, currency: 'USD' });
const cny = (micros: number): Money => ({ micros, currency: 'CNY' });
const SCOPES: BudgetScope[] = ['tenant:t1', 'app:a1', 'key:k1'];
/** 2026-01-15 12:00 in Asia/Shanghai. */
const NOON_SHANGHAI = Date.UTC(2026, 0, 15, 4, 0, 0);

function budget(partial: Partial<BudgetDefinition> & Pick<BudgetDefinition, 'id' | 'scope'>): BudgetDefinition {
  return { period: 'month', limitMicros: 1_000_000, currency: 'USD', mode: 'hard', ...partial };
}

/** Deterministic PRNG. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Yields to the event loop a few times so concurrent callers interleave. */
async function jitter(times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

async function setup(factory: BudgetLedgerFactory, budgets: BudgetDefinition[], extra: Partial<BudgetLedgerFixture> = {}) {
  const clock = extra.clock ?? manualClock(NOON_SHANGHAI);
  const ledger = await factory({ clock, budgets, fx: FX, ...extra });
  return { clock, ledger };
}

async function statusOf(ledger: BudgetLedger, budgetId: string) {
  const snap = await ledger.snapshot();
  const found = snap.budgets.find((b) => b.budgetId === budgetId);
  if (found === undefined) throw new Error(`budget ${budgetId} missing from snapshot`);
  return found;
}

export function describeBudgetLedgerContract(name: string, factory: BudgetLedgerFactory): void {
  describe(`BudgetLedger contract: ${name}`, () => {
    it('proof: 200 concurrent reservations against a budget that affords exactly N admit exactly N; spend stays ≤ limit (×20)', async () => {
      const random = rng(2026);
      for (let round = 0; round < 20; round += 1) {
        const n = round === 0 ? 0 : round === 1 ? 200 : 1 + Math.floor(random() * 199);
        const worstUsd = 1 + Math.floor(random() * 50_000);
        const inCny = round % 2 === 1;
        // The budget's view of one worst case: converted with ceil when the currencies differ.
        const perRequest = inCny ? Math.ceil((worstUsd * 72) / 10) : worstUsd;
        const limit = n * perRequest + Math.floor(random() * perRequest); // affords N, not N + 1
        const { ledger } = await setup(factory, [
          budget({ id: 'tight', scope: 'tenant:t1', limitMicros: limit, currency: inCny ? 'CNY' : 'USD' }),
          budget({ id: 'loose', scope: 'key:k1', limitMicros: 10 ** 12 }),
        ]);
        const results = await Promise.all(
          Array.from({ length: 200 }, async (_, i) => {
            await jitter(i % 7);
            return ledger.reserve(`req-${round}-${i}`, SCOPES, usd(worstUsd));
          }),
        );
        const admitted = results.flatMap((r) => (r.ok ? [r.reservation] : []));
        expect(admitted.length, `round ${round}: N=${n}`).toBe(n);
        for (const r of results) if (!r.ok) expect(r).toMatchObject({ reason: 'budget_exceeded', budgetId: 'tight' });
        const tightBefore = await statusOf(ledger, 'tight');
        expect(tightBefore.reservedMicros).toBe(n * perRequest);
        // Settle concurrently at actual costs up to the worst case.
        const actuals = admitted.map(() => Math.floor(random() * (worstUsd + 1)));
        await Promise.all(admitted.map(async (reservation, i) => {
          await jitter(i % 5);
          expect(await ledger.settle(reservation, usd(actuals[i] ?? 0))).toBe('settled');
        }));
        const tight = await statusOf(ledger, 'tight');
        const expected = actuals.reduce((sum, a) => sum + (inCny ? Math.round((a * 72) / 10) : a), 0);
        expect(tight.spentMicros).toBe(expected);
        expect(tight.reservedMicros).toBe(0);
        expect(tight.spentMicros).toBeLessThanOrEqual(limit);
        expect((await statusOf(ledger, 'loose')).spentMicros).toBe(actuals.reduce((a, b) => a + b, 0));
      }
    });

    it('proof: with reservations and settlements interleaved, spent + reserved never exceeds the limit', async () => {
      const limit = 1_000_000;
      const { ledger } = await setup(factory, [budget({ id: 'b', scope: 'tenant:t1', limitMicros: limit })]);
      const random = rng(9);
      let peak = 0;
      await Promise.all(Array.from({ length: 200 }, async (_, i) => {
        await jitter(i % 11);
        const worst = 10_000 + Math.floor(random() * 90_000);
        const r = await ledger.reserve(`r${i}`, ['tenant:t1'], usd(worst));
        const s = await statusOf(ledger, 'b');
        peak = Math.max(peak, s.spentMicros + s.reservedMicros);
        if (!r.ok) return;
        await jitter(1 + (i % 3));
        await ledger.settle(r.reservation, usd(Math.floor(random() * worst)));
      }));
      const final = await statusOf(ledger, 'b');
      expect(peak).toBeLessThanOrEqual(limit);
      expect(final.reservedMicros).toBe(0);
      expect(final.spentMicros).toBeLessThanOrEqual(limit);
      expect(final.spentMicros).toBeGreaterThan(limit / 2); // the budget was really used
    });

    it('is atomic across scopes: when the key rejects, the tenant is not charged', async () => {
      const { ledger } = await setup(factory, [
        budget({ id: 'tenant', scope: 'tenant:t1', limitMicros: 1_000_000 }),
        budget({ id: 'key', scope: 'key:k1', limitMicros: 100 }),
      ]);
      const denied = await ledger.reserve('r1', SCOPES, usd(101));
      expect(denied).toEqual({ ok: false, reason: 'budget_exceeded', budgetId: 'key', scope: 'key:k1', period: 'month', currency: 'USD', limit: 100, spent: 0, reserved: 0, requested: 101 });
      expect(await statusOf(ledger, 'tenant')).toMatchObject({ spentMicros: 0, reservedMicros: 0 });
      const ok = await ledger.reserve('r2', SCOPES, usd(100));
      expect(ok.ok).toBe(true);
      expect(await statusOf(ledger, 'tenant')).toMatchObject({ reservedMicros: 100 });
    });

    it('refuses an unpriced request where a budget applies, admits it where none does', async () => {
      const { ledger } = await setup(factory, [budget({ id: 'b', scope: 'app:a1' })]);
      expect(await ledger.reserve('r1', SCOPES, undefined)).toMatchObject({ ok: false, reason: 'unpriced', budgetId: 'b' });
      const free = await ledger.reserve('r2', ['tenant:other'], undefined);
      expect(free).toMatchObject({ ok: true, degrade: [] });
      if (free.ok) expect(free.reservation.holds).toEqual([]);
    });

    it('records an actual cost above the reservation and never loses it', async () => {
      const { ledger } = await setup(factory, [budget({ id: 'b', scope: 'tenant:t1', limitMicros: 1_000 })]);
      const r = await ledger.reserve('r1', SCOPES, usd(600));
      if (!r.ok) throw new Error('expected admission');
      expect(await ledger.settle(r.reservation, usd(1_250))).toBe('settled');
      expect(await statusOf(ledger, 'b')).toMatchObject({ spentMicros: 1_250, reservedMicros: 0 });
      expect(await ledger.reserve('r2', SCOPES, usd(0))).toMatchObject({ ok: true });
      expect(await ledger.reserve('r3', SCOPES, usd(1))).toMatchObject({ ok: false, spent: 1_250 });
    });

    it('release frees the reservation at no cost; repeats are ignored', async () => {
      const { ledger } = await setup(factory, [budget({ id: 'b', scope: 'tenant:t1', limitMicros: 1_000 })]);
      const r = await ledger.reserve('r1', SCOPES, usd(1_000));
      if (!r.ok) throw new Error('expected admission');
      expect(await ledger.reserve('r2', SCOPES, usd(1))).toMatchObject({ ok: false, reserved: 1_000 });
      expect(await ledger.release(r.reservation)).toBe(true);
      expect(await ledger.release(r.reservation)).toBe(false);
      expect(await ledger.settle(r.reservation, usd(500))).toBe('duplicate');
      expect(await statusOf(ledger, 'b')).toMatchObject({ spentMicros: 0, reservedMicros: 0 });
      const r3 = await ledger.reserve('r3', SCOPES, usd(400));
      if (!r3.ok) throw new Error('expected admission');
      expect(await ledger.settle(r3.reservation, usd(300))).toBe('settled');
      expect(await ledger.settle(r3.reservation, usd(300))).toBe('duplicate');
      expect(await statusOf(ledger, 'b')).toMatchObject({ spentMicros: 300, reservedMicros: 0 });
    });

    it('expires reservations of a dead process; a late settle still records the cost', async () => {
      const { clock, ledger } = await setup(factory, [budget({ id: 'b', scope: 'tenant:t1', limitMicros: 1_000 })], { reservationTtlMs: 600_000 });
      const r = await ledger.reserve('dead', SCOPES, usd(1_000));
      if (!r.ok) throw new Error('expected admission');
      expect(r.reservation.expiresAt).toBe(clock.now() + 600_000);
      clock.advance(599_999);
      expect(await ledger.sweepExpired()).toBe(0);
      expect(await ledger.reserve('r2', SCOPES, usd(1))).toMatchObject({ ok: false });
      clock.advance(1);
      expect(await ledger.sweepExpired()).toBe(1);
      expect(await statusOf(ledger, 'b')).toMatchObject({ reservedMicros: 0 });
      expect(await ledger.settle(r.reservation, usd(200))).toBe('late');
      expect(await statusOf(ledger, 'b')).toMatchObject({ spentMicros: 200, reservedMicros: 0 });
    });

    it('sweeps expired reservations on its own, honours a per-call TTL and renew', async () => {
      const { clock, ledger } = await setup(factory, [budget({ id: 'b', scope: 'tenant:t1', limitMicros: 1_000 })]);
      const short = await ledger.reserve('short', SCOPES, usd(500), { ttlMs: 5_000 });
      const long = await ledger.reserve('long', SCOPES, usd(500), { ttlMs: 5_000 });
      if (!short.ok || !long.ok) throw new Error('expected admission');
      clock.advance(4_000);
      expect(await ledger.renew(long.reservation, 10_000)).toBe(true);
      clock.advance(2_000); // short expired, long renewed until +14 s
      expect(await ledger.reserve('next', SCOPES, usd(500))).toMatchObject({ ok: true });
      expect(await ledger.reserve('over', SCOPES, usd(1))).toMatchObject({ ok: false, reserved: 1_000 });
      expect(await ledger.renew(short.reservation)).toBe(false);
    });

    it('rolls a daily budget over at local midnight in Asia/Shanghai', async () => {
      const clock = manualClock(Date.UTC(2026, 0, 15, 15, 59, 0)); // 23:59:00 local
      const { ledger } = await setup(factory, [budget({ id: 'day', scope: 'tenant:t1', period: 'day', limitMicros: 1_000 })], { clock });
      const r = await ledger.reserve('r1', SCOPES, usd(1_000));
      if (!r.ok) throw new Error('expected admission');
      await ledger.settle(r.reservation, usd(1_000));
      clock.set(Date.UTC(2026, 0, 15, 15, 59, 59, 999)); // 23:59:59.999 local
      expect(await ledger.reserve('r2', SCOPES, usd(1))).toMatchObject({ ok: false, spent: 1_000 });
      clock.set(Date.UTC(2026, 0, 15, 16, 0, 0)); // 00:00:00 local, the 16th
      expect(await ledger.reserve('r3', SCOPES, usd(1_000))).toMatchObject({ ok: true });
      expect(await statusOf(ledger, 'day')).toMatchObject({ periodStart: Date.UTC(2026, 0, 15, 16), periodEnd: Date.UTC(2026, 0, 16, 16), spentMicros: 0, reservedMicros: 1_000 });
    });

    it('charges a request to the period it was admitted in', async () => {
      const clock = manualClock(Date.UTC(2026, 0, 15, 15, 59, 59)); // 23:59:59 local
      const { ledger } = await setup(factory, [budget({ id: 'day', scope: 'tenant:t1', period: 'day', limitMicros: 1_000 })], { clock });
      const r = await ledger.reserve('r1', SCOPES, usd(800));
      if (!r.ok) throw new Error('expected admission');
      clock.advance(2_000); // settles after midnight
      await ledger.settle(r.reservation, usd(700));
      expect(await statusOf(ledger, 'day')).toMatchObject({ spentMicros: 0, reservedMicros: 0 });
      expect(await ledger.reserve('r2', SCOPES, usd(1_000))).toMatchObject({ ok: true });
    });

    it('rolls a monthly budget over at the month boundary, in the configured zone', async () => {
      const clock = manualClock(Date.UTC(2026, 0, 31, 15, 59, 59)); // Jan 31 23:59:59 Shanghai
      const { ledger } = await setup(factory, [
        budget({ id: 'month-sh', scope: 'tenant:t1', limitMicros: 100 }),
        budget({ id: 'month-utc', scope: 'app:a1', limitMicros: 100, timeZone: 'UTC' }),
      ], { clock });
      const r = await ledger.reserve('r1', SCOPES, usd(100));
      if (!r.ok) throw new Error('expected admission');
      await ledger.settle(r.reservation, usd(100));
      clock.set(Date.UTC(2026, 0, 31, 16, 0, 0)); // Feb 1 00:00 Shanghai, still Jan 31 in UTC
      expect(await ledger.reserve('r2', SCOPES, usd(1))).toMatchObject({ ok: false, budgetId: 'month-utc' });
      expect(await statusOf(ledger, 'month-sh')).toMatchObject({ periodStart: Date.UTC(2026, 0, 31, 16), periodEnd: Date.UTC(2026, 1, 28, 16), spentMicros: 0 });
      clock.set(Date.UTC(2026, 1, 1, 0, 0, 0)); // Feb 1 00:00 UTC
      expect(await ledger.reserve('r3', SCOPES, usd(100))).toMatchObject({ ok: true });
    });

    it('a total budget never rolls over', async () => {
      const { clock, ledger } = await setup(factory, [budget({ id: 'total', scope: 'key:k1', period: 'total', limitMicros: 100 })]);
      const r = await ledger.reserve('r1', SCOPES, usd(100));
      if (r.ok) await ledger.settle(r.reservation, usd(100));
      clock.advance(400 * 86_400_000);
      expect(await ledger.reserve('r2', SCOPES, usd(1))).toMatchObject({ ok: false, period: 'total', spent: 100 });
    });

    it('degrade mode admits past the limit and signals the scheduler; hard still rejects', async () => {
      const { ledger } = await setup(factory, [
        budget({ id: 'soft', scope: 'app:a1', limitMicros: 1_000, mode: 'degrade' }),
        budget({ id: 'backstop', scope: 'tenant:t1', limitMicros: 1_500 }),
      ]);
      const first = await ledger.reserve('r1', SCOPES, usd(900));
      expect(first).toMatchObject({ ok: true, degrade: [] });
      const second = await ledger.reserve('r2', SCOPES, usd(500));
      expect(second).toMatchObject({ ok: true, degrade: [{ budgetId: 'soft', mode: 'degrade', limitMicros: 1_000, reservedMicros: 900 }] });
      expect(await ledger.pressure(SCOPES)).toBe(1);
      expect(await ledger.reserve('r3', SCOPES, usd(200))).toMatchObject({ ok: false, budgetId: 'backstop' });
    });

    it('converts costs into the budget currency (ceil to reserve, half-up to settle)', async () => {
      const { ledger } = await setup(factory, [budget({ id: 'cny', scope: 'tenant:t1', limitMicros: 7_200_000, currency: 'CNY' })]);
      const r = await ledger.reserve('r1', SCOPES, usd(999_999));
      if (!r.ok) throw new Error('expected admission');
      expect(r.reservation.holds).toEqual([{ budgetId: 'cny', periodStart: expect.any(Number), micros: 7_199_993 }]);
      expect(await ledger.reserve('r2', SCOPES, usd(2))).toMatchObject({ ok: false, requested: 15, reserved: 7_199_993 });
      await ledger.settle(r.reservation, usd(1)); // 7.2 µ¥ → 7
      expect(await statusOf(ledger, 'cny')).toMatchObject({ spentMicros: 7, reservedMicros: 0 });
      const local = await ledger.reserve('r3', SCOPES, cny(7_199_993));
      expect(local).toMatchObject({ ok: true });
    });

    it('reports pressure of the tightest budget', async () => {
      const { ledger } = await setup(factory, [
        budget({ id: 'a', scope: 'tenant:t1', limitMicros: 1_000 }),
        budget({ id: 'b', scope: 'key:k1', limitMicros: 400 }),
      ]);
      expect(await ledger.pressure(SCOPES)).toBe(0);
      expect(await ledger.pressure(['tenant:nobody'])).toBe(0);
      const r = await ledger.reserve('r1', SCOPES, usd(100));
      expect(await ledger.pressure(SCOPES)).toBe(0.25);
      if (r.ok) await ledger.settle(r.reservation, usd(300));
      expect(await ledger.pressure(SCOPES)).toBe(0.75);
      expect(await ledger.pressure(['tenant:t1'])).toBe(0.3);
    });

    it('seeds the current period spend from the durable ledger, ignoring other periods', async () => {
      const { ledger } = await setup(factory, [
        budget({ id: 'm', scope: 'tenant:t1', limitMicros: 10_000_000, currency: 'CNY' }),
        budget({ id: 'd', scope: 'tenant:t1', period: 'day', limitMicros: 10_000_000 }),
      ]);
      const month = await statusOf(ledger, 'm');
      expect(await ledger.seedSpend({ scope: 'tenant:t1', period: 'month', periodStart: month.periodStart, spent: usd(1_000_000) })).toBe(1);
      expect(await ledger.seedSpend({ scope: 'tenant:t1', period: 'month', periodStart: month.periodStart, spent: cny(800_000) })).toBe(1);
      expect(await ledger.seedSpend({ scope: 'tenant:t1', period: 'month', periodStart: month.periodStart - 1, spent: cny(5) })).toBe(0);
      expect(await ledger.seedSpend({ scope: 'tenant:t2', period: 'month', periodStart: month.periodStart, spent: cny(5) })).toBe(0);
      expect(await statusOf(ledger, 'm')).toMatchObject({ spentMicros: 8_000_000 });
      expect(await statusOf(ledger, 'd')).toMatchObject({ spentMicros: 0 });
      expect(await ledger.reserve('r1', SCOPES, cny(2_000_001))).toMatchObject({ ok: false, budgetId: 'm', spent: 8_000_000 });
    });

    it('fires each alert threshold once per period, and not for seeded spend', async () => {
      const events: BudgetAlertEvent[] = [];
      const clock = manualClock(NOON_SHANGHAI);
      const alerts = createBudgetAlerts({ clock, onAlert: (e) => void events.push(e) });
      const { ledger } = await setup(factory, [budget({ id: 'd', scope: 'tenant:t1', period: 'day', limitMicros: 1_000, mode: 'degrade' })], { clock, alerts });
      const spend = async (micros: number) => {
        const r = await ledger.reserve(`r${micros}`, SCOPES, usd(micros));
        if (r.ok) await ledger.settle(r.reservation, usd(micros));
      };
      await spend(499);
      expect(events).toEqual([]);
      await spend(1); // exactly 50 %
      expect(events.map((e) => e.thresholdPercent)).toEqual([50]);
      await spend(10);
      await spend(600); // 1 110: crosses 80 and 100 at once
      expect(events.map((e) => e.thresholdPercent)).toEqual([50, 80, 100]);
      await spend(1_000);
      expect(events).toHaveLength(3);
      expect(events[2]).toMatchObject({ budgetId: 'd', scope: 'tenant:t1', period: 'day', limitMicros: 1_000, spentMicros: 1_110, currency: 'USD', mode: 'degrade' });
      expect(alerts.recent({ budgetId: 'd' }).map((e) => e.thresholdPercent)).toEqual([100, 80, 50]);
      clock.advance(86_400_000); // next day: thresholds fire again, once
      const today = await statusOf(ledger, 'd');
      await ledger.seedSpend({ scope: 'tenant:t1', period: 'day', periodStart: today.periodStart, spent: usd(600) });
      await spend(300);
      expect(events.slice(3).map((e) => e.thresholdPercent)).toEqual([80]);
    });
  });
}
