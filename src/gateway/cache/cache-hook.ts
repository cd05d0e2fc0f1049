/**
 * The response cache as the pipeline uses it: one ticket per chat request (policy + scoped key),
 * a lookup that never fails the request (a broken cache is a miss), and a store that runs in the
 * background. Counts every outcome through `onResult` (metrics).
 */
import type { ChatRequest, ChatResponse, Usage } from '../../core/chat.js';
import type { AppDefaults } from '../../core/domain.js';
import type { Clock, Logger } from '../../core/ports.js';
import type { RoutingHints } from '../../core/routing-hints.js';
import { responseCacheKey } from './cache-key.js';
import { cacheDecision } from './cache-policy.js';
import { CACHE_HEADER, type CachedChat, type CacheResult, type ResponseCache, type ResponseCacheKey } from './cache-port.js';

export interface ChatCacheHookDeps {
  cache: ResponseCache;
  clock: Clock;
  logger: Logger;
  /** Every request of a cache-enabled app reports exactly one result. */
  onResult?: (tenantId: string, result: CacheResult) => void;
}

/** The cache's view of one request of a cache-enabled app. */
export interface CacheTicket {
  tenantId: string;
  key: ResponseCacheKey;
  /** `use`: look up first. `bypass`: go upstream. */
  lookup: boolean;
  /** Store the fresh answer afterwards. */
  store: boolean;
  ttlMs: number;
  result: CacheResult;
}

export interface CacheRequestInfo {
  tenantId: string;
  defaults: AppDefaults;
  hints: RoutingHints;
  cacheControl: string | undefined;
}

export class ChatCacheHook {
  constructor(private readonly deps: ChatCacheHookDeps) {}

  /** Undefined when the app has no cache (no header, no metric). */
  ticket(info: CacheRequestInfo, req: ChatRequest): CacheTicket | undefined {
    const decision = cacheDecision(info.defaults, req.stream, info.cacheControl);
    if (decision.mode === 'off') return undefined;
    const lookup = decision.mode === 'use';
    const store = lookup || decision.store;
    return { tenantId: info.tenantId, key: responseCacheKey({ tenantId: info.tenantId }, req, info.hints), lookup, store, ttlMs: decision.ttlMs, result: lookup ? 'miss' : 'bypass' };
  }

  /** The cached answer, if any; records the ticket's result (hit, miss or bypass). */
  async lookup(ticket: CacheTicket): Promise<CachedChat | undefined> {
    let found: CachedChat | undefined;
    if (ticket.lookup) {
      try {
        found = await this.deps.cache.get(ticket.key);
      } catch (err) {
        this.deps.logger.warn({ err: String(err) }, 'response cache lookup failed; serving from upstream');
      }
    }
    ticket.result = found ? 'hit' : ticket.result;
    this.deps.onResult?.(ticket.tenantId, ticket.result);
    return found;
  }

  /** Stores a fresh answer in the background; refusals (content filter) and failures are silent. */
  store(ticket: CacheTicket, response: ChatResponse & { usage: Usage }, deploymentId: string, requestId: string): void {
    if (!ticket.store || response.finishReason === 'content_filter') return;
    const entry: CachedChat = { response, deploymentId, sourceRequestId: requestId, storedAt: this.deps.clock.now() };
    void this.deps.cache.set(ticket.key, entry, ticket.ttlMs).catch((err: unknown) => {
      this.deps.logger.warn({ err: String(err) }, 'response cache store failed');
    });
  }
}

/** `x-zhongshu-cache` for a request (nothing when the app has no cache). */
export function cacheHeaders(ticket: CacheTicket | undefined): Record<string, string> {
  return ticket ? { [CACHE_HEADER]: ticket.result } : {};
}
