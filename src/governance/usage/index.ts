/** Public surface of the cost analytics (issue 3 §6): reports, raw events, statements. */
export { UsageService, scopeFilters, totalsOf, type UsageServiceOptions } from './usage-service.js';
export { attachUsageService, usageServiceOf } from './usage-registry.js';
export { csvCell, formatMicros, toCsv } from './usage-format.js';
export { DEFAULT_USAGE_TIME_ZONE, bucketSpecFor, formatLocal, monthRange, parseTimeParam, type UsageBucketUnit } from './usage-time.js';
export type * from './usage-types.js';
