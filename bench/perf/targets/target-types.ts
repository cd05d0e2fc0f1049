/**
 * What the benchmark needs from a target: where to send requests and which pid to measure.
 */
import type { ScriptArgs } from '../perf-build.js';
import type { PinnedProcess } from '../perf-proc.js';

export interface TargetContext {
  /** Upstream origin, e.g. `http://127.0.0.1:9000` (the fake OpenAI-compatible server). */
  upstreamOrigin: string;
  /** Core the gateway under test is pinned to. */
  gatewayCore: number;
  /** Extra node flags for the gateway process (e.g. `--cpu-prof`). */
  nodeFlags: string[];
  /** Scratch directory for this target's files (config, data dir). */
  workDir: string;
  /** Node arguments that run one of this repo's .ts files (compiled build or tsx). */
  script: ScriptArgs;
}

export interface RunningTarget {
  /** Origin the load generator calls, e.g. `http://127.0.0.1:9100`. */
  origin: string;
  /** Path of the chat completions endpoint. */
  path: string;
  /** Headers every request carries (auth, routing). */
  headers: Record<string, string>;
  /** `model` for normal requests and for slow streams. */
  model: string;
  slowModel: string;
  /** The gateway process to measure; undefined for `direct` (no gateway). */
  proc?: PinnedProcess;
  stop(): Promise<void>;
}

export interface Target {
  name: string;
  /** One line for the docs: what this target is. */
  describe: string;
  start(ctx: TargetContext): Promise<RunningTarget>;
}
