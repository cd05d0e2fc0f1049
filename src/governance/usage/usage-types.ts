/** Shapes returned by the usage service (and, as JSON, by the admin usage API). */
import type { Currency, UsageEvent } from '../../core/domain.js';
import type { UsageDimension, UsageMetrics } from '../../core/store.js';
import type { UsageBucketUnit } from './usage-time.js';

export type UsageFilters = Partial<Record<UsageDimension, string[]>>;

export interface UsageQueryParams {
  /** Epoch ms or ISO 8601 (local to `tz` without an offset). Default: start of the current local month. */
  from?: string;
  /** Exclusive. Default: now. */
  to?: string;
  /** Default `day`. */
  bucket?: UsageBucketUnit;
  /** IANA zone for day/month buckets and offset-less times. Default Asia/Shanghai. */
  tz?: string;
  groupBy?: UsageDimension[];
  filters?: UsageFilters;
  /** Most rows returned (totals always cover every row). Default 10 000. */
  limit?: number;
}

/** One group: its bucket, dimension values, currency and exact sums. */
export interface UsageReportRow extends UsageMetrics {
  bucketStart?: number;
  /** Bucket start as local ISO time, e.g. `2026-11-01T00:00:00+08:00`. */
  bucket?: string;
  /** The requested grouping dimensions (not `currency`); null where the ledger field is absent. */
  dims: Partial<Record<UsageDimension, string | null>>;
  currency: Currency;
  /** `costMicros` as an exact decimal string in `currency`. */
  cost: string;
}

export interface UsageCostTotal {
  currency: Currency;
  costMicros: number;
  cost: string;
  attempts: number;
  unpricedCount: number;
}

/** Sums over every matching ledger row; money per currency (never added across currencies). */
export interface UsageTotals extends Omit<UsageMetrics, 'costMicros'> {
  costs: UsageCostTotal[];
}

export interface UsageReport {
  from: number;
  to: number;
  fromIso: string;
  toIso: string;
  timeZone: string;
  bucket: UsageBucketUnit;
  /** Requested dimensions; every row is also split by currency. */
  groupBy: UsageDimension[];
  filters: UsageFilters;
  rows: UsageReportRow[];
  /** Number of groups before `limit`. */
  rowCount: number;
  truncated: boolean;
  totals: UsageTotals;
}

export interface UsageEventsParams {
  from?: string;
  to?: string;
  tz?: string;
  requestId?: string;
  filters?: UsageFilters;
  /** Default 100, at most 1000. */
  limit?: number;
  cursor?: string;
}

export type UsageEventView = UsageEvent & { id: number; cost: string };

export interface UsageEventsPage {
  data: UsageEventView[];
  nextCursor: string | null;
}

export interface StatementParams {
  /** `YYYY-MM`. */
  month: string;
  tz?: string;
  /** Also convert every line into this currency with the hub's FX table. */
  currency?: Currency;
}

export interface StatementLine {
  appId: string;
  appName: string | null;
  /** The requested model (alias, deployment id or `auto`). */
  model: string;
  currency: Currency;
  requests: number;
  attempts: number;
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  unpricedCount: number;
  costMicros: number;
  cost: string;
  /** The line converted into the statement currency (half-up to a micro-unit). */
  converted?: { currency: Currency; costMicros: number; cost: string };
}

export interface TenantStatement {
  tenantId: string;
  tenantName: string;
  month: string;
  timeZone: string;
  from: number;
  to: number;
  fromIso: string;
  toIso: string;
  generatedAt: string;
  lines: StatementLine[];
  totals: UsageTotals;
  /** Present when `currency` was asked: the sum of the converted lines and the rates used. */
  converted?: { currency: Currency; costMicros: number; cost: string; fx: Record<string, string>; rounding: 'half-up-per-line' };
}
