/**
 * Composition root: config → storage → services → http. The only place that picks concrete
 * backends (sqlite|postgres, memory|redis) and wires providers.
 */

export interface StartOptions {
  /** A hub YAML file applied at start (idempotent), in addition to what the database holds. */
  configFile?: string;
  port?: number;
  host?: string;
  /** Defaults to ./data (SQLite file, generated secrets). */
  dataDir?: string;
  /** sqlite file path / `sqlite://…` / `postgres://…`. Defaults to `<dataDir>/zhongshu.db`. */
  databaseUrl?: string;
  /** Environment to read (defaults to process.env). */
  env?: Record<string, string | undefined>;
}

export interface RunningHub {
  /** e.g. `http://127.0.0.1:8080` */
  url: string;
  port: number;
  /** Writes every queued ledger row now (tests, admin). */
  flushLedger(): Promise<void>;
  /** Graceful stop: stop accepting, finish in-flight requests, flush the ledger, close storage. */
  close(): Promise<void>;
}

export async function startHub(_opts: StartOptions = {}): Promise<RunningHub> {
  throw new Error('startHub: not wired yet');
}
