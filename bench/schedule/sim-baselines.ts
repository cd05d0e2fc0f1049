/**
 * The baselines of the benchmark (same guard, retries and deadline as the hub): random,
 * round-robin, weighted shuffle with cooldown, always-cheapest, always-best, least-busy and
 * P2C peak-EWMA.
 */
import { PeakEwma } from '../../src/gateway/scheduler/scheduler-health.js';
import { mulberry32, nameHash } from './sim-random.js';
import type { ChooseInput, SimFeedback, Strategy, StrategyEnv } from './sim-strategy.js';
import { type SimDeployment, worstCase } from './sim-world.js';

abstract class Baseline implements Strategy {
  readonly ownsGrayRelease = false;
  protected readonly rng: () => number;
  protected readonly inflight: number[];

  constructor(
    readonly name: string,
    env: StrategyEnv,
  ) {
    this.rng = mulberry32(env.seed ^ nameHash(name));
    this.inflight = env.deployments.map(() => 0);
  }

  abstract choose(input: ChooseInput): SimDeployment | undefined;

  started(d: SimDeployment): void {
    this.inflight[d.index]!++;
  }

  firstByte(): void {}

  finished(d: SimDeployment, _attemptId: string, fb: SimFeedback, now: number): void {
    this.inflight[d.index]!--;
    this.observe(d, fb, now);
  }

  rollbackAt(): number | undefined {
    return undefined;
  }

  protected observe(_d: SimDeployment, _fb: SimFeedback, _now: number): void {}

  protected randomOf<T>(items: T[]): T | undefined {
    return items[Math.floor(this.rng() * items.length)];
  }

  /** The items with the minimal key, one of them at random. */
  protected minBy(items: SimDeployment[], key: (d: SimDeployment) => number): SimDeployment | undefined {
    let best: SimDeployment[] = [];
    let bestKey = Number.POSITIVE_INFINITY;
    for (const d of items) {
      const k = key(d);
      if (k < bestKey) {
        bestKey = k;
        best = [d];
      } else if (k === bestKey) best.push(d);
    }
    return best.length <= 1 ? best[0] : this.randomOf(best);
  }
}

class RandomStrategy extends Baseline {
  choose({ eligible }: ChooseInput) {
    return this.randomOf(eligible);
  }
}

class RoundRobin extends Baseline {
  private next = 0;
  constructor(name: string, private readonly env: StrategyEnv) {
    super(name, env);
  }
  choose({ eligible }: ChooseInput) {
    if (eligible.length === 0) return undefined;
    const n = this.env.deployments.length;
    const sorted = [...eligible].sort((a, b) => ((a.index - this.next + n) % n) - ((b.index - this.next + n) % n));
    const pick = sorted[0] as SimDeployment;
    this.next = (pick.index + 1) % n;
    return pick;
  }
}

/** Weighted shuffle (weights = rpsLimit) with a 5 s cooldown on 429, timeout, or >50 % of ≥5 failing this minute. */
class ShuffleCooldown extends Baseline {
  private readonly coolUntil: number[];
  private readonly minute: { key: number; total: number; failed: number }[];
  constructor(name: string, env: StrategyEnv) {
    super(name, env);
    this.coolUntil = env.deployments.map(() => 0);
    this.minute = env.deployments.map(() => ({ key: -1, total: 0, failed: 0 }));
  }
  choose({ eligible, now }: ChooseInput) {
    const warm = eligible.filter((d) => (this.coolUntil[d.index] as number) <= now);
    const pool = warm.length > 0 ? warm : eligible;
    const total = pool.reduce((s, d) => s + d.spec.rpsLimit, 0);
    let u = this.rng() * total;
    for (const d of pool) {
      u -= d.spec.rpsLimit;
      if (u < 0) return d;
    }
    return pool[pool.length - 1];
  }
  protected override observe(d: SimDeployment, fb: SimFeedback, now: number): void {
    const m = this.minute[d.index]!;
    const key = Math.floor(now / 60_000);
    if (m.key !== key) Object.assign(m, { key, total: 0, failed: 0 });
    m.total++;
    if (fb.result !== 'ok') m.failed++;
    const overFailing = m.total >= 5 && m.failed / m.total > 0.5;
    if (fb.result === 'throttled' || fb.result === 'timeout' || overFailing) this.coolUntil[d.index] = now + 5_000;
  }
}

class AlwaysCheapest extends Baseline {
  choose({ eligible, req }: ChooseInput) {
    return this.minBy(eligible, (d) => worstCase(d.spec, req));
  }
}

class AlwaysBest extends Baseline {
  choose({ eligible }: ChooseInput) {
    return this.minBy(eligible, (d) => -d.spec.quality);
  }
}

class LeastBusy extends Baseline {
  choose({ eligible }: ChooseInput) {
    return this.minBy(eligible, (d) => this.inflight[d.index] as number);
  }
}

/** P2C on peak-EWMA latency (τ = 10 s), load = cost × (inflight + 1). */
class P2cPeakEwma extends Baseline {
  private readonly ewma: PeakEwma[];
  constructor(name: string, env: StrategyEnv) {
    super(name, env);
    this.ewma = env.deployments.map(() => new PeakEwma());
  }
  choose({ eligible, now }: ChooseInput) {
    if (eligible.length <= 1) return eligible[0];
    const i = Math.floor(this.rng() * eligible.length);
    let j = Math.floor(this.rng() * (eligible.length - 1));
    if (j >= i) j++;
    const a = eligible[i] as SimDeployment;
    const b = eligible[j] as SimDeployment;
    return this.load(b, now) < this.load(a, now) ? b : a;
  }
  private load(d: SimDeployment, now: number): number {
    const cost = this.ewma[d.index]!.read(now, 10_000, 0) ?? 0;
    return cost * ((this.inflight[d.index] as number) + 1);
  }
  protected override observe(d: SimDeployment, fb: SimFeedback, now: number): void {
    if (fb.result !== 'throttled') this.ewma[d.index]!.observe(fb.latencyMs, now, 10_000);
  }
}

export const BASELINES = ['random', 'round-robin', 'shuffle-cooldown', 'always-cheapest', 'always-best', 'least-busy', 'p2c-peak-ewma'] as const;

export function createBaseline(name: (typeof BASELINES)[number], env: StrategyEnv): Strategy {
  switch (name) {
    case 'random':
      return new RandomStrategy(name, env);
    case 'round-robin':
      return new RoundRobin(name, env);
    case 'shuffle-cooldown':
      return new ShuffleCooldown(name, env);
    case 'always-cheapest':
      return new AlwaysCheapest(name, env);
    case 'always-best':
      return new AlwaysBest(name, env);
    case 'least-busy':
      return new LeastBusy(name, env);
    case 'p2c-peak-ewma':
      return new P2cPeakEwma(name, env);
  }
}
