/** Shared CLI plumbing: the parsed environment, an open + migrated store, error reporting. */
import { systemClock } from '../core/ports.js';
import { createMemoryRateLimiter } from '../gateway/limits/index.js';
import { createAdminServices, type AdminServices } from '../governance/admin/index.js';
import { CONFIG_CHANGED_META } from '../governance/apply.js';
import { createAdminStore } from '../storage/sql/admin-store.js';
import { ConfigError } from '../config/config-error.js';
import { loadEnv, type HubEnv } from '../config/env.js';
import { isHubError } from '../core/errors.js';
import { createStore, type SqlHubStore } from '../storage/index.js';

export function cliEnv(): HubEnv {
  return loadEnv(process.env);
}

/** Opens the database named by DATABASE_URL (or `<data dir>/zhongshu.db`), migrates, runs `fn`, closes. */
export async function withStore<T>(fn: (store: SqlHubStore, env: HubEnv) => Promise<T>): Promise<T> {
  const env = cliEnv();
  const store = await createStore(env.databaseUrl);
  try {
    await store.migrate();
    return await fn(store, env);
  } finally {
    await store.close();
  }
}

/**
 * The admin services over the configured database, for commands that change configuration:
 * the same validation, authorization and audit log as the admin API (actor type `system`).
 */
export async function withAdminServices<T>(fn: (admin: AdminServices, store: SqlHubStore, env: HubEnv) => Promise<T>): Promise<T> {
  return withStore((store, env) => {
    const admin = createAdminServices({
      store,
      adminStore: createAdminStore(store),
      masterKeys: env.masterKey ? [env.masterKey] : [],
      onConfigChanged: () => store.setMeta(CONFIG_CHANGED_META, String(Date.now())),
      loginLimiter: createMemoryRateLimiter({ clock: systemClock }),
    });
    return fn(admin, store, env);
  });
}

/** Prints a user-facing error (never a stack for expected errors) and sets the exit code. */
export function reportCliError(err: unknown): void {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  } else if (isHubError(err)) {
    process.stderr.write(`error (${err.code}): ${err.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

/** `2026-01-01`, an ISO timestamp, or a relative `24h` / `7d` / `30m` before now. */
export function parseTimeArg(value: string, now: number = Date.now()): number {
  const rel = /^(\d+)([mhd])$/.exec(value.trim());
  if (rel !== null) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'm' | 'h' | 'd'];
    return now - Number(rel[1]) * unit;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`cannot read time "${value}": expected an ISO date (2026-01-31), a timestamp, or 24h / 7d / 30m`);
  return ms;
}
