/** Public surface of gateway/limits: rate limits and budgets (docs/budgets-and-limits.md). */
export * from './rate-limit.js';
export { createMemoryRateLimiter, type MemoryRateLimiter, type MemoryRateLimiterOptions } from './rate-limit-memory.js';
export { formatResetDuration, rateLimitHeaders } from './rate-limit-headers.js';
export { RATE_WINDOW_MS, MAX_RATE_UNITS } from './rate-limit-bucket.js';
export * from './budget.js';
export { DEFAULT_BUDGET_TIME_ZONE, assertTimeZone, periodWindow, type PeriodWindow } from './budget-period.js';
export { createMemoryBudgetLedger, type MemoryBudgetLedger, type MemoryBudgetLedgerOptions } from './budget-memory.js';
export { createBudgetGate, pressureOf } from './budget-gate.js';
export { validateBudgets } from './budget-validate.js';
export * from './budget-alerts.js';
