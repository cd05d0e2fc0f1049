/** Response cache (issue 4 §6): port, tenant-scoped key, policy and the memory implementation. */
export { CACHE_HEADER, type CachedChat, type CacheResult, type ResponseCache, type ResponseCacheKey } from './cache-port.js';
export { canonicalJson, responseCacheKey, type CacheScope } from './cache-key.js';
export { cacheDecision, type CacheDecision } from './cache-policy.js';
export { MemoryResponseCache, type MemoryResponseCacheOptions } from './cache-memory.js';
export { cacheHeaders, ChatCacheHook, type CacheRequestInfo, type CacheTicket, type ChatCacheHookDeps } from './cache-hook.js';
