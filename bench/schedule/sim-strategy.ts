/** What a routing strategy sees and is told by the simulation. */
import type { AttemptResult, BudgetGate } from '../../src/core/scheduling.js';
import type { SimDeployment } from './sim-world.js';
import type { TraceRequest } from './sim-trace.js';

export interface ChooseInput {
  req: TraceRequest;
  /** 0-based attempt number. */
  attempt: number;
  tried: readonly string[];
  /** Deployments the admission guard allows, not yet tried, of the request's gray cohort. */
  eligible: SimDeployment[];
  /** The request's tenant budget as a gate (the hub's scheduler reads it). */
  gate: BudgetGate;
  now: number;
}

export interface SimFeedback {
  result: AttemptResult;
  latencyMs: number;
  ttftMs?: number;
  /** Absolute virtual time before which the deployment should not be retried. */
  retryAfterMs?: number;
}

export interface Strategy {
  readonly name: string;
  /** Whether the simulation applies the sticky gray cohort for this strategy (the hub does its own). */
  readonly ownsGrayRelease: boolean;
  choose(input: ChooseInput): SimDeployment | undefined;
  started(d: SimDeployment, attemptId: string, now: number): void;
  firstByte(d: SimDeployment, attemptId: string, now: number): void;
  finished(d: SimDeployment, attemptId: string, fb: SimFeedback, now: number): void;
  /** Virtual time of the first automatic canary rollback, if any. */
  rollbackAt(): number | undefined;
}

export interface StrategyEnv {
  seed: number;
  deployments: SimDeployment[];
  /** The virtual clock. */
  now(): number;
}
