/**
 * Starts a real hub (startHub: the same composition root as `npm start`) on 127.0.0.1 with a
 * temp data dir, and reads its ledger through a second store on the same database.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UsageEvent } from '../../src/core/domain.js';
import { startHub, type RunningHub, type StartOptions } from '../../src/main.js';
import { createStore } from '../../src/storage/index.js';

/** A well-formed virtual key known to tests (the demo key of the test hub). */
export const TEST_KEY = 'zs-TestKey000000000000000000000000000000001';
export const ADMIN_PASSWORD = 'test-admin-password-1';

export interface TestHub {
  url: string;
  key: string;
  hub: RunningHub;
  dataDir: string;
  databaseUrl: string;
  /** Flushes the hub's ledger and returns every row, ordered by request and attempt. */
  usage(): Promise<UsageEvent[]>;
  close(): Promise<void>;
}

export interface TestHubOptions {
  /** Hub YAML applied at start. */
  yaml?: string;
  env?: Record<string, string | undefined>;
  databaseUrl?: string;
  /** Gateway timeouts / retry overrides (e.g. short timeouts for failure tests). */
  gateway?: StartOptions['gateway'];
  /** Scheduler settings merged over the defaults. */
  scheduler?: StartOptions['scheduler'];
  healthProbe?: StartOptions['healthProbe'];
}

export async function startTestHub(opts: TestHubOptions = {}): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zhongshu-e2e-'));
  let configFile: string | undefined;
  if (opts.yaml !== undefined) {
    configFile = join(dataDir, 'hub.yaml');
    writeFileSync(configFile, opts.yaml);
  }
  const databaseUrl = opts.databaseUrl ?? join(dataDir, 'zhongshu.db');
  const hub = await startHub({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    databaseUrl,
    ...(configFile ? { configFile } : {}),
    ...(opts.gateway ? { gateway: opts.gateway } : {}),
    ...(opts.scheduler ? { scheduler: opts.scheduler } : {}),
    ...(opts.healthProbe ? { healthProbe: opts.healthProbe } : {}),
    env: {
      ZHONGSHU_DEMO_KEY: TEST_KEY,
      ZHONGSHU_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOG_LEVEL: 'error',
      ...opts.env,
    },
  });
  return {
    url: hub.url,
    key: TEST_KEY,
    hub,
    dataDir,
    databaseUrl,
    async usage() {
      await hub.flushLedger();
      const reader = await createStore(databaseUrl);
      try {
        const rows = await reader.queryUsage({ limit: 100_000 });
        return rows.sort((a, b) => a.startedAt - b.startedAt || a.attempt - b.attempt);
      } finally {
        await reader.close();
      }
    },
    async close() {
      await hub.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until `check` passes or the time is up (bounded polling for async effects). */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Logs in as the bootstrap admin and returns a session token. */
export async function adminLogin(hub: TestHub): Promise<string> {
  const res = await adminRequest(hub, undefined, 'POST', '/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  return ((await res.json()) as { token: string }).token;
}

/** One admin API call (`path` below /admin/api/v1). */
export function adminRequest(hub: TestHub, token: string | undefined, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${hub.url}/admin/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** An admin API call that must succeed; returns its JSON body. */
export async function adminJson<T>(hub: TestHub, token: string | undefined, method: string, path: string, body?: unknown): Promise<T> {
  const res = await adminRequest(hub, token, method, path, body);
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
