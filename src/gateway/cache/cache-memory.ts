/**
 * In-process response cache: TTL per entry, least-recently-used eviction bounded by entry count
 * and by total bytes (entries are kept as JSON text, so a reader can never alter a stored
 * answer). Per node; a Redis implementation of the same port shares it across nodes.
 */
import type { Clock } from '../../core/ports.js';
import type { CachedChat, ResponseCache, ResponseCacheKey } from './cache-port.js';

export interface MemoryResponseCacheOptions {
  clock: Clock;
  /** Most entries kept. Default 10,000. */
  maxEntries?: number;
  /** Most bytes of JSON kept in total. Default 64 MiB. */
  maxBytes?: number;
  /** Larger entries are not stored. Default 1 MiB. */
  maxEntryBytes?: number;
}

interface Slot {
  json: string;
  bytes: number;
  expiresAt: number;
}

export class MemoryResponseCache implements ResponseCache {
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly slots = new Map<ResponseCacheKey, Slot>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly maxEntryBytes: number;

  constructor(private readonly opts: MemoryResponseCacheOptions) {
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    this.maxEntryBytes = Math.min(opts.maxEntryBytes ?? 1024 * 1024, this.maxBytes);
  }

  get size(): number {
    return this.slots.size;
  }

  async get(key: ResponseCacheKey): Promise<CachedChat | undefined> {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    this.slots.delete(key);
    if (slot.expiresAt <= this.opts.clock.now()) {
      this.bytes -= slot.bytes;
      return undefined;
    }
    this.slots.set(key, slot);
    return JSON.parse(slot.json) as CachedChat;
  }

  async set(key: ResponseCacheKey, value: CachedChat, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) return;
    const json = JSON.stringify(value);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > this.maxEntryBytes) return;
    this.remove(key);
    this.slots.set(key, { json, bytes, expiresAt: this.opts.clock.now() + ttlMs });
    this.bytes += bytes;
    this.evict();
  }

  private remove(key: ResponseCacheKey): void {
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    this.slots.delete(key);
    this.bytes -= slot.bytes;
  }

  /** Drops least recently used entries until both bounds hold (expired ones go lazily, on read). */
  private evict(): void {
    for (const key of this.slots.keys()) {
      if (this.slots.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.remove(key);
    }
  }
}
