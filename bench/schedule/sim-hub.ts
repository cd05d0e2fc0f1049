/**
 * The hub under test: the real scheduler (src/gateway/scheduler), fed by the simulation through
 * the same plan / attemptStarted / attemptFirstByte / attemptFinished API as the live pipeline,
 * on the virtual clock. It re-plans before every retry with the tried deployments excluded.
 */
import type { RouteCandidate, RouteRequest } from '../../src/core/scheduling.js';
import { createScheduler, type HubScheduler, type SchedulerConfigInput } from '../../src/gateway/scheduler/index.js';
import { mulberry32, nameHash } from './sim-random.js';
import type { ChooseInput, SimFeedback, Strategy, StrategyEnv } from './sim-strategy.js';
import type { SimDeployment } from './sim-world.js';

export class HubStrategy implements Strategy {
  readonly name = 'hub';
  readonly ownsGrayRelease = true;
  readonly scheduler: HubScheduler;
  private readonly candidates: RouteCandidate[];
  private readonly byId: Map<string, SimDeployment>;
  private firstRollback: number | undefined;

  constructor(env: StrategyEnv, config?: SchedulerConfigInput) {
    this.scheduler = createScheduler({
      clock: { now: env.now },
      random: mulberry32(env.seed ^ nameHash('hub')),
      ...(config ? { config } : {}),
      onGrayEvent: (e) => {
        if (e.type === 'rollback' && e.reason !== 'operator') this.firstRollback ??= e.at;
      },
    });
    this.byId = new Map(env.deployments.map((d) => [d.spec.id, d]));
    this.candidates = aliasCandidates(env.deployments);
  }

  choose(input: ChooseInput): SimDeployment | undefined {
    const plan = this.scheduler.plan(routeRequest(input), this.candidates, input.gate);
    const first = plan.attempts[0];
    return first ? this.byId.get(first.id) : undefined;
  }

  started(d: SimDeployment, attemptId: string): void {
    this.scheduler.attemptStarted(d.spec.id, attemptId);
  }

  firstByte(d: SimDeployment, attemptId: string): void {
    this.scheduler.attemptFirstByte(d.spec.id, attemptId);
  }

  finished(d: SimDeployment, attemptId: string, fb: SimFeedback): void {
    this.scheduler.attemptFinished({ deploymentId: d.spec.id, attemptId, ...fb });
  }

  rollbackAt(): number | undefined {
    return this.firstRollback;
  }
}

function routeRequest({ req, tried }: ChooseInput): RouteRequest {
  return {
    requestId: String(req.id),
    tenantId: req.tenant,
    stickyKey: `${req.tenant}:${req.user}`,
    bizLevel: req.level,
    costPreference: req.preferHigh ? 'high' : 'low',
    capabilities: req.capabilities,
    inputTokens: req.inputTokens,
    maxOutputTokens: req.maxTokens,
    ...(req.maxCost !== undefined ? { maxCostMicros: req.maxCost * 1e6 } : {}),
    pinned: false,
    stream: false,
    excludeDeployments: tried,
  };
}

/** Alias members carry their gray weight: the canary its `canaryWeight`, stables share the rest. */
function aliasCandidates(deployments: SimDeployment[]): RouteCandidate[] {
  return deployments.map((d) => {
    const alias = d.spec.alias;
    if (alias === undefined) return { deployment: d.deployment, weight: 1, canary: false };
    const members = deployments.filter((o) => o.spec.alias === alias);
    const canaryTotal = members.reduce((s, o) => s + (o.spec.canaryWeight ?? 0), 0);
    const stables = members.filter((o) => o.spec.canaryWeight === undefined).length;
    const canary = d.spec.canaryWeight !== undefined;
    const weight = canary ? (d.spec.canaryWeight as number) : Math.max(0, 1 - canaryTotal) / Math.max(1, stables);
    return { deployment: d.deployment, weight, canary, alias };
  });
}
