/** The scheduler module: the only entry point other folders import. */
export { createScheduler, type HubScheduler, type SchedulerOptions } from './scheduler.js';
export {
  DEFAULT_SCHEDULER_CONFIG,
  resolveSchedulerConfig,
  type BreakerConfig,
  type GrayConfig,
  type SchedulerConfig,
  type SchedulerConfigInput,
  type ScoreWeights,
} from './scheduler-config.js';
export { FILTERS, type FilterName, worstCaseMicros, effectiveLadder } from './scheduler-filters.js';
export { stableUnit, fnv1a32, binomialUpperTail } from './scheduler-stats.js';
