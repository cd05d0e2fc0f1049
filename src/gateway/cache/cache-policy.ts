/**
 * Whether a request may use the response cache: the app opted in (`defaults.cache`), the
 * request is not a stream, and the client did not say `Cache-Control: no-cache` / `no-store`.
 */
import type { AppDefaults } from '../../core/domain.js';

export type CacheDecision =
  /** The app has no cache: no lookup, no store, no header. */
  | { mode: 'off' }
  /** Cache on for the app but not for this request (stream, or the client asked for a fresh answer). */
  | { mode: 'bypass'; store: boolean; ttlMs: number }
  | { mode: 'use'; ttlMs: number };

export function cacheDecision(defaults: AppDefaults, stream: boolean, cacheControl: string | undefined): CacheDecision {
  const ttlSeconds = defaults.cache?.ttlSeconds;
  if (ttlSeconds === undefined || !(ttlSeconds > 0)) return { mode: 'off' };
  const ttlMs = Math.round(ttlSeconds * 1000);
  if (stream) return { mode: 'bypass', store: false, ttlMs };
  const directives = parseCacheControl(cacheControl);
  if (directives.has('no-store')) return { mode: 'bypass', store: false, ttlMs };
  // no-cache: "revalidate" — skip the lookup, but the fresh answer replaces the entry.
  if (directives.has('no-cache')) return { mode: 'bypass', store: true, ttlMs };
  return { mode: 'use', ttlMs };
}

function parseCacheControl(value: string | undefined): Set<string> {
  if (value === undefined) return new Set();
  return new Set(value.split(',').map((d) => d.trim().toLowerCase().split('=')[0] ?? '').filter((d) => d !== ''));
}
