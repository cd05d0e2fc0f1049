/**
 * The batched ledger writer (LedgerWriter port). `append` queues in memory and returns at
 * once; a timer (unref'd) writes batches, each in one transaction. A failed write keeps its
 * rows at the head of the queue and is retried with exponential backoff; since the store
 * skips rows whose (requestId, attempt) is already stored, a retry never duplicates.
 */
import type { UsageEvent } from '../core/domain.js';
import type { LedgerWriter, Logger } from '../core/ports.js';
import type { HubStore } from '../core/store.js';

export interface LedgerWriterOptions {
  /** Rows per transaction. Default 500. */
  maxBatch?: number;
  /** How often queued rows are written. Default 200 ms. */
  flushIntervalMs?: number;
  /** First retry delay after a failed write; doubles per failure up to `maxBackoffMs`. Default 100 ms. */
  baseBackoffMs?: number;
  /** Default 5000 ms. */
  maxBackoffMs?: number;
  /** `flush()` gives up (rejects, rows stay queued) after this long. Default 30 000 ms. */
  flushTimeoutMs?: number;
  logger?: Logger;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class BatchedLedgerWriter implements LedgerWriter {
  private readonly queue: UsageEvent[] = [];
  private appended = 0;
  private written = 0;
  private writing: Promise<void> | undefined;
  /** A `kick` is already queued with setImmediate (one is enough, however many rows arrive). */
  private kickQueued = false;
  private failures = 0;
  private retryAt = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBatch: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly flushTimeoutMs: number;

  constructor(
    private readonly store: HubStore,
    private readonly opts: LedgerWriterOptions,
  ) {
    this.maxBatch = Math.max(1, opts.maxBatch ?? 500);
    this.baseBackoffMs = opts.baseBackoffMs ?? 100;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5000;
    this.flushTimeoutMs = opts.flushTimeoutMs ?? 30_000;
    this.timer = setInterval(() => this.kick(), opts.flushIntervalMs ?? 200);
    this.timer.unref();
  }

  append(event: UsageEvent): void {
    try {
      this.queue.push(event);
      this.appended += 1;
      if (this.closed) {
        this.opts.logger?.warn({ queued: this.queue.length }, 'ledger row appended after close; writing it now');
        void this.flush().catch(() => undefined);
      } else if (this.queue.length >= this.maxBatch) {
        this.kickSoon();
      }
    } catch {
      // append must never throw on the request path
    }
  }

  /** A full batch is waiting: write it on the next turn (a running write kicks again when it ends). */
  private kickSoon(): void {
    if (this.kickQueued || this.writing !== undefined) return;
    this.kickQueued = true;
    setImmediate(() => {
      this.kickQueued = false;
      this.kick();
    });
  }

  /** Starts one batch write unless one is running or a retry is pending. */
  private kick(): void {
    if (this.writing !== undefined || this.queue.length === 0 || Date.now() < this.retryAt) return;
    this.writing = this.writeBatch().finally(() => {
      this.writing = undefined;
      if (this.queue.length >= this.maxBatch && !this.closed) this.kickSoon();
    });
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queue.slice(0, this.maxBatch);
    try {
      await this.store.insertUsage(batch);
      this.queue.splice(0, batch.length);
      this.written += batch.length;
      this.failures = 0;
      this.retryAt = 0;
    } catch (err) {
      this.failures += 1;
      const delay = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (this.failures - 1));
      this.retryAt = Date.now() + delay;
      // Log the failure, never the rows.
      this.opts.logger?.error(
        { err: err instanceof Error ? err.message : String(err), rows: batch.length, queued: this.queue.length, failures: this.failures, retryInMs: delay },
        'ledger write failed; rows kept for retry',
      );
    }
  }

  /** Writes every row appended before the call; rejects after `flushTimeoutMs` if the store keeps failing. */
  async flush(): Promise<void> {
    const target = this.appended;
    const deadline = Date.now() + this.flushTimeoutMs;
    while (this.written < target) {
      if (this.writing !== undefined) {
        await this.writing;
        continue;
      }
      const wait = this.retryAt - Date.now();
      if (Date.now() >= deadline || (wait > 0 && Date.now() + wait > deadline)) {
        throw new Error(`ledger flush timed out: ${target - this.written} rows still queued (the database keeps failing)`);
      }
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      this.kick();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.flush();
    } finally {
      clearInterval(this.timer);
    }
  }

  /** Rows queued and not yet written (for metrics and tests). */
  pending(): number {
    return this.queue.length;
  }
}

export function createLedgerWriter(store: HubStore, opts: LedgerWriterOptions = {}): LedgerWriter & { pending(): number } {
  return new BatchedLedgerWriter(store, opts);
}
