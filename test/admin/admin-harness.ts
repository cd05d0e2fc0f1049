/**
 * A real hub for admin API tests: the data plane (Gateway + simulator) and the admin routes on
 * one Fastify server over a real database, composed like src/main.ts, with logs captured in
 * memory so tests can assert no secret is ever logged.
 */
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/core/ports.js';
import { createEgress } from '../../src/egress/index.js';
import { DEFAULT_GATEWAY_OPTIONS, Gateway } from '../../src/gateway/pipeline.js';
import { createMemoryRateLimiter } from '../../src/gateway/limits/index.js';
import { TraceStore } from '../../src/gateway/routing/route-summary.js';
import { createScheduler } from '../../src/gateway/scheduler/index.js';
import { attachSchedulingAdmin, SchedulingAdminService } from '../../src/governance/admin/admin-scheduling.js';
import { attachBudgetStatus, BudgetStatusService } from '../../src/governance/admin/admin-budget-status.js';
import { createBudgetAlerts, createMemoryBudgetLedger } from '../../src/gateway/limits/index.js';
import { bootstrapHub } from '../../src/governance/bootstrap.js';
import { createCatalogHolder } from '../../src/governance/catalog-loader.js';
import { hashVirtualKey, isWellFormedVirtualKey } from '../../src/governance/keys.js';
import { createAdminServices, type AdminServices } from '../../src/governance/admin/index.js';
import { adminApiRoutes } from '../../src/http/admin/index.js';
import { createHttpServer } from '../../src/http/server.js';
import { createAdapterRegistry } from '../../src/providers/index.js';
import { createAdminStore, type SqlAdminStore } from '../../src/storage/sql/admin-store.js';
import { createLedgerWriter, createStore, type SqlHubStore } from '../../src/storage/index.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { createSqliteTestDatabase, type TestDatabase } from '../contract/databases.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests-1';
export const DEMO_KEY = 'zs-AdminTestDemoKey000000000000000000000001';
export const MASTER_KEY = 'test-master-key-0123456789abcdefghijklmnopqrstuvwxyz';

export interface AdminTestHub {
  url: string;
  store: SqlHubStore;
  adminStore: SqlAdminStore;
  services: AdminServices;
  /** Everything the hub logged, as text. */
  logs(): string;
  close(): Promise<void>;
}

export interface AdminTestHubOptions {
  /** Default: a fresh SQLite file. */
  database?: TestDatabase;
  /** Default: MASTER_KEY; [] runs without a master key. */
  masterKeys?: string[];
  loginAttemptsPerMinute?: number;
  sessionTtlMs?: number;
}

export async function startAdminTestHub(opts: AdminTestHubOptions = {}): Promise<AdminTestHub> {
  const database = opts.database ?? (await createSqliteTestDatabase());
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const logger = createLogger({ level: 'debug', destination: sink });
  const store = await createStore(database.url);
  await store.migrate();
  await bootstrapHub(store, { adminPassword: ADMIN_PASSWORD, demoKey: DEMO_KEY, simulator: true, envProviders: [] });
  const catalog = await createCatalogHolder(store, {}, { logger });
  const adminStore = createAdminStore(store);
  const services = createAdminServices({
    store, adminStore, masterKeys: opts.masterKeys ?? [MASTER_KEY], onConfigChanged: () => catalog.reload(),
    loginLimiter: createMemoryRateLimiter({ clock: systemClock }), logger, providerKinds: [...createAdapterRegistry().keys()],
    ...(opts.loginAttemptsPerMinute !== undefined ? { loginAttemptsPerMinute: opts.loginAttemptsPerMinute } : {}),
    ...(opts.sessionTtlMs !== undefined ? { sessionTtlMs: opts.sessionTtlMs } : {}),
  });
  const ledger = createLedgerWriter(store, { logger });
  const egress = createEgress({ allowPrivateNetwork: false });
  const scheduler = createScheduler({ clock: systemClock, random: Math.random });
  const traces = new TraceStore();
  attachSchedulingAdmin(services, new SchedulingAdminService({ store, audit: services.audit, scheduler, traces }));
  const alerts = createBudgetAlerts({ clock: systemClock });
  attachBudgetStatus(services, new BudgetStatusService({ admin: services, ledger: createMemoryBudgetLedger({ clock: systemClock, alerts }), alerts }));
  const gateway = new Gateway({
    catalog, adapters: createAdapterRegistry(), scheduler, egress, ledger,
    clock: systemClock, random: Math.random, logger, traces, options: DEFAULT_GATEWAY_OPTIONS,
  });
  const app = createHttpServer({
    gateway, catalog, keyCodec: { isWellFormed: isWellFormedVirtualKey, hash: hashVirtualKey }, clock: systemClock, logger,
    metrics: createMetrics(), isReady: () => true, extraRoutes: [adminApiRoutes(services)],
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    store, adminStore, services,
    logs: () => lines.join(''),
    async close() {
      await app.close();
      await ledger.close();
      await egress.close();
      await store.close();
      await database.cleanup();
    },
  };
}

export interface ApiResult<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** A tiny admin API client. */
export function adminClient(base: string, token?: string) {
  return async function call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
    const res = await fetch(`${base}/admin/api/v1${path}`, {
      method,
      headers: {
        ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers };
  };
}

export async function login(base: string, username: string, password: string): Promise<string> {
  const r = await adminClient(base)('POST', '/auth/login', { username, password });
  if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${r.text}`);
  return r.body.token as string;
}
