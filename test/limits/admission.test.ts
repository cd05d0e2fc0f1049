/**
 * RequestAdmission over in-process ports (their `sync` twins: results come back without a
 * promise) and over async-only ports (as a Redis/PostgreSQL implementation would be): the
 * decisions, holds, errors and bookkeeping must be the same.
 */
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/core/catalog.js';
import type { BudgetRecord, Deployment, Principal, RateLimitRecord } from '../../src/core/domain.js';
import { HubError } from '../../src/core/errors.js';
import { RequestAdmission, type AdmissionDeps } from '../../src/gateway/admission.js';
import { createMemoryBudgetLedger, createMemoryRateLimiter, type BudgetLedger, type BudgetScope, type RateLimiter } from '../../src/gateway/limits/index.js';
import { manualClock } from './manual-clock.js';

const principal: Principal = { tenantId: 't1', appId: 'a1', keyId: 'k1', keyPrefix: 'zs-k1', defaults: {} };

function deployment(id: string, limits: Deployment['limits'], price: Deployment['price'] = { currency: 'USD', inputPerMTok: 1_000_000, outputPerMTok: 2_000_000 }): Deployment {
  return { id, providerId: 'p', model: 'm', tier: 'standard', capabilities: [], contextWindow: 8_000, price, limits, weight: 1, status: 'enabled' };
}

function catalog(rateLimits: RateLimitRecord[], budgets: BudgetRecord[]): Catalog {
  return {
    version: 1, providers: new Map(), deployments: new Map(), aliases: new Map(), tenants: new Map(), apps: new Map(), keysByHash: new Map(),
    secrets: new Map(), rateLimits: new Map(rateLimits.map((r) => [r.scope, r])), budgets,
  };
}

/** The ports without their sync twins: every call is a promise. */
function asyncOnly(deps: AdmissionDeps): AdmissionDeps {
  const { rateLimiter: l, budgets: b } = deps;
  const limiter: RateLimiter = { check: (r) => l.check(r), consume: (r) => l.consume(r), adjustTokens: (rules, d) => l.adjustTokens(rules, d) };
  const ledger: BudgetLedger = {
    reserve: (...a) => b.reserve(...a), settle: (...a) => b.settle(...a), release: (...a) => b.release(...a), renew: (...a) => b.renew(...a),
    pressure: (...a) => b.pressure(...a), snapshot: (...a) => b.snapshot(...a), seedSpend: (...a) => b.seedSpend(...a),
    setBudgets: (...a) => b.setBudgets(...a), setFxTable: (...a) => b.setFxTable(...a), sweepExpired: () => b.sweepExpired(),
  };
  return { rateLimiter: limiter, budgets: ledger, fx: deps.fx };
}

function setup(cat: Catalog, variant: 'sync' | 'async') {
  const clock = manualClock();
  const budgets = createMemoryBudgetLedger({ clock });
  budgets.setBudgets(cat.budgets.map((b) => ({ id: b.id, scope: b.scope as BudgetScope, period: b.period, limitMicros: b.limitMicros, currency: b.currency, mode: b.mode })));
  const memory: AdmissionDeps = { rateLimiter: createMemoryRateLimiter({ clock }), budgets, fx: {} };
  return { clock, budgets, deps: variant === 'sync' ? memory : asyncOnly(memory) };
}

const limited = catalog(
  [{ scope: 'key:k1', rpm: 2, tpm: 10_000, updatedAt: 0 }, { scope: 'deployment:d1', tpm: 3_000, updatedAt: 0 }],
  [{ id: 'b1', scope: 'tenant:t1', tenantId: 't1', period: 'total', limitMicros: 5_000, currency: 'USD', mode: 'hard', createdAt: 0, updatedAt: 0 }],
);

describe.each(['sync', 'async'] as const)('RequestAdmission over %s ports', (variant) => {
  it('answers without a promise only over sync ports', () => {
    const { deps } = setup(limited, variant);
    const admitted = RequestAdmission.admitRequest(deps, limited, principal, 'r1', 600);
    expect(admitted instanceof Promise).toBe(variant === 'async');
    const free = catalog([], []);
    // Nothing to check: no promise either way.
    expect(RequestAdmission.admitRequest(setup(free, variant).deps, free, principal, 'r0', 600) instanceof Promise).toBe(false);
  });

  it('admits, reserves, settles and corrects TPM; refuses with the same errors', async () => {
    const { deps, budgets } = setup(limited, variant);
    const d1 = deployment('d1', { rpm: 100 });
    const admission = await RequestAdmission.admitRequest(deps, limited, principal, 'r1', 600);
    expect(admission.headers).toEqual({
      'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '30s',
      'x-ratelimit-limit-tokens': '10000', 'x-ratelimit-remaining-tokens': '9400', 'x-ratelimit-reset-tokens': '3.6s',
    });
    const gate = await admission.budgetGate();
    expect(gate?.allows(d1, 4_000)).toBe(true);
    expect(gate?.allows(d1, 6_000)).toBe(false);
    // worst case: 200 input × 1 + 1 000 output × 2 = 2 200 micros
    const first = await admission.reserveAttempt(d1, 200, 1_000, 1);
    expect(first).toMatchObject({ ok: true, hold: { deploymentRules: [{ scope: 'deployment:d1', rpm: 100 }, { scope: 'deployment:d1', tpm: 3_000 }] } });
    expect(first.ok && first.hold.maxTokens).toBe(undefined);
    expect(budgets.sync.snapshot().budgets[0]).toMatchObject({ reservedMicros: 2_200 });
    // A second attempt whose worst case does not fit is refused and gives back the deployment TPM.
    const second = await admission.reserveAttempt(d1, 200, 2_000, 2);
    expect(second.ok).toBe(false);
    expect(!second.ok && second.error.code).toBe('budget_exceeded');
    if (!first.ok) return;
    admission.settleAttempt(first.hold, 1_500, 'USD', 450);
    admission.finishRequest(450);
    await Promise.resolve(); // async ports settle on the next tick
    await Promise.resolve();
    expect(budgets.sync.snapshot().budgets[0]).toMatchObject({ spentMicros: 1_500, reservedMicros: 0 });
    // Deployment TPM: 600 charged, corrected to 450 (the refused attempt's 600 was refunded).
    await expect(deps.rateLimiter.check({ rules: [{ scope: 'deployment:d1', tpm: 3_000 }], tokens: 0 })).resolves.toMatchObject({ tokens: { remaining: 2_550 } });
    // Key RPM 2: the second request is admitted, the third refused with rate_limited.
    await RequestAdmission.admitRequest(deps, limited, principal, 'r2', 600);
    await expect(async () => RequestAdmission.admitRequest(deps, limited, principal, 'r3', 600)).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('without a budget the upstream is not capped; with one and no client max, it is', async () => {
    const { deps } = setup(limited, variant);
    const admission = await RequestAdmission.admitRequest(deps, limited, principal, 'r1', 10);
    const held = await admission.reserveAttempt(deployment('d2', {}, { currency: 'USD', inputPerMTok: 1, outputPerMTok: 1 }), 10, undefined, 1);
    expect(held).toMatchObject({ ok: true, hold: { maxTokens: 4_096, deploymentRules: [] } });
    const free = catalog([], []);
    const plain = await RequestAdmission.admitRequest(setup(free, variant).deps, free, principal, 'r1', 10);
    expect(await plain.budgetGate()).toBeUndefined();
    expect(await plain.reserveAttempt(deployment('d2', {}), 10, undefined, 1)).toEqual({ ok: true, hold: { deploymentRules: [] } });
  });

  it('a deployment at its own rate limit is skipped with upstream_rate_limited', async () => {
    const { deps } = setup(limited, variant);
    const tight = deployment('d3', { rpm: 1 });
    const admission = await RequestAdmission.admitRequest(deps, limited, principal, 'r1', 10);
    expect((await admission.reserveAttempt(tight, 1, 1, 1)).ok).toBe(true);
    const refused = await admission.reserveAttempt(tight, 1, 1, 2);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error).toBeInstanceOf(HubError);
    expect(!refused.ok && refused.error.code).toBe('upstream_rate_limited');
  });

  it('settle and finish never throw, even on bookkeeping errors', async () => {
    const { deps } = setup(limited, variant);
    const admission = await RequestAdmission.admitRequest(deps, limited, principal, 'r1', 10);
    const held = await admission.reserveAttempt(deployment('d1', {}), 1, 1, 1);
    if (!held.ok) throw held.error;
    expect(() => admission.settleAttempt(held.hold, 0.5, 'USD', 0.5)).not.toThrow();
    expect(() => admission.finishRequest(Number.NaN)).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 0)); // no unhandled rejection surfaces
  });
});
