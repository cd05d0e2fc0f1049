/**
 * Ports: what the gateway needs from the outside, implemented in storage/, telemetry/, egress/.
 * Each has a memory or no-op implementation, so single-node mode has no special cases.
 */
import type { UsageEvent } from './domain.js';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The ledger's write side. `append` never blocks and never throws on the request path: rows
 * are queued and written in batches off the path. `flush` writes everything queued (called on
 * graceful shutdown and by tests); `close` flushes and stops.
 */
export interface LedgerWriter {
  append(event: UsageEvent): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Structured logger (pino-compatible subset). Never pass secrets. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}
