/**
 * The response cache port (issue 4 §6, docs/response-cache.md): an exact-match store of
 * non-stream chat answers. The memory implementation lives beside it; a Redis one can follow
 * for scale-out without touching the pipeline.
 *
 * Keys are `ResponseCacheKey`s, which only `responseCacheKey` (cache-key.ts) can build and only
 * from a tenant id: an implementation can never be asked for an entry outside a tenant's scope.
 */
import type { ChatResponse, Usage } from '../../core/chat.js';

declare const responseCacheKeyBrand: unique symbol;

/** A tenant-scoped cache key: `zs:rc:v1:<tenant>:<sha256 hex>`. Built by `responseCacheKey` only. */
export type ResponseCacheKey = string & { readonly [responseCacheKeyBrand]: true };

/** What is kept per entry: the canonical answer and where it came from. */
export interface CachedChat {
  /** The answer with the usage billed when it was produced. */
  response: ChatResponse & { usage: Usage };
  /** Deployment that produced the answer. */
  deploymentId: string;
  /** Request that produced (and paid for) the answer. */
  sourceRequestId: string;
  /** Epoch ms when stored. */
  storedAt: number;
}

export interface ResponseCache {
  /** The live entry for `key`, or undefined (absent or expired). */
  get(key: ResponseCacheKey): Promise<CachedChat | undefined>;
  /** Stores `value` for `ttlMs`; may silently refuse an entry larger than the store's limit. */
  set(key: ResponseCacheKey, value: CachedChat, ttlMs: number): Promise<void>;
}

/** Per-request cache outcome, as sent in `x-zhongshu-cache` and counted in metrics. */
export type CacheResult = 'hit' | 'miss' | 'bypass';

export const CACHE_HEADER = 'x-zhongshu-cache';
