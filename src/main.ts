/**
 * Composition root: config → storage → services → http. The only place that picks concrete
 * backends (sqlite|postgres, memory|redis) and wires providers.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { systemClock } from './core/ports.js';
import { loadEnv, type HubEnv } from './config/env.js';
import { readHubFile } from './config/hub-file.js';
import { createEgress } from './egress/index.js';
import { DEFAULT_GATEWAY_OPTIONS, Gateway, type GatewayOptions } from './gateway/pipeline.js';
import { MemoryResponseCache } from './gateway/cache/index.js';
import { TraceStore } from './gateway/routing/route-summary.js';
import { createScheduler, DEFAULT_SCHEDULER_CONFIG, type SchedulerConfigInput } from './gateway/scheduler/index.js';
import { readSchedulerConfig } from './config/scheduler-file.js';
import { CONFIG_CHANGED_META } from './governance/apply.js';
import { HealthProber, type HealthProberOptions } from './gateway/health-prober.js';
import { parseFxTable } from './gateway/accounting/pricing-fx.js';
import { createBudgetAlerts, createMemoryBudgetLedger, createMemoryRateLimiter, type BudgetAlertEvent } from './gateway/limits/index.js';
import { seedBudgetSpend, toBudgetDefinitions } from './governance/budget-sync.js';
import type { Egress } from './core/egress.js';
import { createAdminStore } from './storage/sql/admin-store.js';
import { createAdminServices, storedSecretResolver } from './governance/admin/index.js';
import { attachUsageService, UsageService } from './governance/usage/index.js';
import { attachBudgetStatus, BudgetStatusService } from './governance/admin/admin-budget-status.js';
import { createUsageAnalyticsStore } from './storage/sql/usage-analytics-store.js';
import { attachSchedulingAdmin, grayEventAuditor, SchedulingAdminService } from './governance/admin/admin-scheduling.js';
import { adminApiRoutes } from './http/admin/index.js';
import { applyHubFile, knownRecords } from './governance/apply.js';
import { applyAuditor, AuditLog } from './governance/admin/admin-audit.js';
import { bootstrapHub } from './governance/bootstrap.js';
import { createCatalogHolder } from './governance/catalog-loader.js';
import { hashVirtualKey, isWellFormedVirtualKey } from './governance/keys.js';
import { createHttpServer } from './http/server.js';
import { createAdapterRegistry } from './providers/index.js';
import { createLedgerWriter, createStore } from './storage/index.js';
import { createLogger } from './telemetry/logger.js';
import { createMetrics } from './telemetry/metrics.js';

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
  /** Where the one-time bootstrap banner goes (default: stdout). */
  print?: (text: string) => void;
  /** Overrides of the gateway's timeouts and retry options (tests use short timeouts). */
  gateway?: Partial<GatewayOptions>;
  /** Scheduler configuration over the defaults (ladders, weights, breaker…). */
  scheduler?: SchedulerConfigInput;
  /** Active health-check timing (tests use short intervals). */
  healthProbe?: Partial<HealthProberOptions>;
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

/** How often a running hub checks whether `zhongshu apply` changed the configuration. */
const CONFIG_POLL_MS = 2_000;

function rawEnvOf(opts: StartOptions): Record<string, string | undefined> {
  const raw = { ...(opts.env ?? process.env) };
  if (opts.dataDir !== undefined) raw.ZHONGSHU_DATA_DIR = opts.dataDir;
  if (opts.databaseUrl !== undefined) raw.DATABASE_URL = opts.databaseUrl;
  if (opts.configFile !== undefined) raw.ZHONGSHU_CONFIG = opts.configFile;
  if (opts.port !== undefined) raw.PORT = String(opts.port);
  if (opts.host !== undefined) raw.HOST = opts.host;
  return raw;
}


function bootstrapBanner(url: string, created: { demoKey?: string; adminPassword?: string }): string {
  const lines = ['', '  Zhongshu 中枢 — first start / 首次启动', ''];
  if (created.demoKey) lines.push(`  Demo virtual key / 演示密钥:   ${created.demoKey}`);
  if (created.adminPassword) lines.push(`  Admin user / 管理员:  admin   password / 密码: ${created.adminPassword}`);
  lines.push(
    '',
    '  Shown once; only hashes are stored. 仅显示一次，系统只保存哈希。',
    `  Try / 试一试:  curl ${url}/v1/chat/completions -H "Authorization: Bearer <key>" \\`,
    `                 -H "Content-Type: application/json" -d '{"model":"chat-standard","messages":[{"role":"user","content":"你好"}]}'`,
    '',
  );
  return lines.join('\n');
}

/** Budget alerts go to the operator's webhook through the egress client (address policy applies). */
async function postAlert(egress: Egress, url: string, alert: BudgetAlertEvent): Promise<void> {
  const res = await egress.request({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'budget.threshold', ...alert }),
    firstByteTimeoutMs: 10_000,
    // The operator configured this URL (clients cannot); internal alert receivers are common.
    // Cloud metadata addresses stay refused by the egress policy.
    allowPrivateNetwork: true,
  });
  await res.dump();
}

export async function startHub(opts: StartOptions = {}): Promise<RunningHub> {
  const rawEnv = rawEnvOf(opts);
  const env: HubEnv = loadEnv(rawEnv);
  const print = opts.print ?? ((text: string) => process.stdout.write(`${text}\n`));
  const logger = createLogger({ level: env.logLevel });
  mkdirSync(env.dataDir, { recursive: true });

  const store = await createStore(env.databaseUrl);
  await store.migrate();
  const created = await bootstrapHub(store, env);
  if (env.configFile) {
    const file = await readHubFile(env.configFile, await knownRecords(store));
    await applyHubFile(store, file, { env: rawEnv, onChange: applyAuditor(new AuditLog(createAdminStore(store), Date.now), 'config-file') });
  }
  const adminStore = createAdminStore(store);
  // The admin services rebuild the catalog after each write; the catalog decrypts stored
  // credentials with the services' vault. The closure breaks the cycle.
  let onConfigChanged: () => Promise<void> = async () => {};
  const adapters = createAdapterRegistry();
  const admin = createAdminServices({
    store,
    adminStore,
    providerKinds: [...adapters.keys()],
    masterKeys: env.masterKey ? [env.masterKey] : [],
    onConfigChanged: () => onConfigChanged(),
    loginLimiter: createMemoryRateLimiter({ clock: systemClock }),
    logger,
  });
  const catalog = await createCatalogHolder(store, rawEnv, {
    logger,
    allowPrivateUpstreams: env.allowPrivateUpstreams,
    limits: adminStore,
    resolveStoredSecret: storedSecretResolver(admin.vault),
  });

  const metrics = createMetrics();
  const ledger = createLedgerWriter(store, { logger });
  const egress = createEgress({ allowPrivateNetwork: env.allowPrivateUpstreams });
  const fx = parseFxTable(env.fx);
  const alerts = createBudgetAlerts({
    clock: systemClock,
    onAlert(alert) {
      logger.warn({ budget: alert.budgetId, scope: alert.scope, percent: alert.thresholdPercent }, 'budget threshold reached');
      if (env.alertWebhook) void postAlert(egress, env.alertWebhook, alert).catch((err: unknown) => logger.warn({ err: String(err) }, 'budget alert webhook failed'));
    },
  });
  const budgets = createMemoryBudgetLedger({ clock: systemClock, timeZone: env.budgetTimeZone, fx, alerts });
  budgets.setBudgets(toBudgetDefinitions(catalog.current().budgets));
  await seedBudgetSpend(store, budgets, catalog.current().budgets, systemClock.now());
  const rateLimiter = createMemoryRateLimiter({ clock: systemClock });
  onConfigChanged = async (): Promise<void> => {
    await catalog.reload();
    budgets.setBudgets(toBudgetDefinitions(catalog.current().budgets));
  };
  const random = Math.random;
  const schedulerConfig = opts.scheduler
    ?? (env.schedulerConfigFile ? await readSchedulerConfig(env.schedulerConfigFile, DEFAULT_SCHEDULER_CONFIG) : undefined);
  const scheduler = createScheduler({
    clock: systemClock,
    random,
    onGrayEvent: grayEventAuditor(adminStore, logger),
    ...(schedulerConfig !== undefined ? { config: schedulerConfig } : {}),
  });
  const traces = new TraceStore();
  attachSchedulingAdmin(admin, new SchedulingAdminService({ store, audit: admin.audit, scheduler, traces }));
  attachBudgetStatus(admin, new BudgetStatusService({ admin, ledger: budgets, alerts }));
  attachUsageService(admin, new UsageService({ analytics: createUsageAnalyticsStore(store), store, fx, audit: admin.audit }));
  const prober = new HealthProber({
    catalog, adapters, scheduler, egress, clock: systemClock, logger,
    ...(opts.healthProbe ? { options: opts.healthProbe } : {}),
  });
  prober.start();
  const gateway = new Gateway({
    catalog,
    adapters,
    scheduler,
    egress,
    ledger,
    clock: systemClock,
    random,
    logger,
    traces,
    options: { ...DEFAULT_GATEWAY_OPTIONS, ...opts.gateway },
    admission: { rateLimiter, budgets, fx },
    responseCache: new MemoryResponseCache({ clock: systemClock }),
    onCacheResult: (tenant, result) => metrics.responseCache.inc({ tenant, result }),
    onUsage(event) {
      metrics.recordAttempt(event);
    },
  });

  let ready = false;
  const app = createHttpServer({
    gateway,
    catalog,
    keyCodec: { isWellFormed: isWellFormedVirtualKey, hash: hashVirtualKey },
    clock: systemClock,
    logger,
    metrics,
    isReady: () => ready,
    extraRoutes: [adminApiRoutes(admin)],
  });
  await app.listen({ port: env.port, host: env.host });
  const port = (app.server.address() as AddressInfo).port;
  const shownHost = env.host === '0.0.0.0' || env.host === '::' ? '127.0.0.1' : env.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  ready = true;
  // `zhongshu apply` from another process bumps a meta key; pick the change up within seconds.
  let lastConfigChange = await store.getMeta(CONFIG_CHANGED_META);
  const configWatch = setInterval(() => {
    void store.getMeta(CONFIG_CHANGED_META).then(async (stamp) => {
      if (stamp === lastConfigChange) return;
      lastConfigChange = stamp;
      await onConfigChanged();
      logger.info({}, 'configuration reloaded after an apply');
    }).catch((err: unknown) => logger.warn({ err: String(err) }, 'configuration poll failed'));
  }, CONFIG_POLL_MS);
  configWatch.unref();
  if (created.demoKey || created.adminPassword) print(bootstrapBanner(url, created));
  logger.info({ url, database: env.databaseUrl.startsWith('postgres') ? 'postgres' : 'sqlite' }, 'zhongshu listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    flushLedger: () => ledger.flush(),
    close() {
      closing ??= (async () => {
        ready = false;
        clearInterval(configWatch);
        prober.stop();
        // In-flight responses finish; keep-alive connections that go idle afterwards are closed
        // as soon as they do, instead of lingering until their keep-alive timeout.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
        try {
          await app.close();
        } finally {
          clearInterval(sweep);
        }
        await ledger.close();
        await egress.close();
        await store.close();
      })();
      return closing;
    },
  };
}
