/**
 * The environment, parsed once with zod and frozen. `loadEnv(process.env)` at start; errors
 * name the variable and what is expected (never its value).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { isWellFormedVirtualKey } from '../governance/keys.js';
import { ConfigError, type ConfigIssue } from './config-error.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A provider switched on by its usual environment variable. Holds no secret, only its name. */
export interface EnvProvider {
  /** Provider id and kind created by bootstrap, e.g. `openai`, `zhipu`. */
  id: string;
  kind: string;
  /** The variable holding the key; stored as credentialRef `env:<apiKeyVar>`. */
  apiKeyVar: string;
  /** From `<VENDOR>_BASE_URL` when set. */
  baseUrl?: string;
}

export interface HubEnv {
  /** PORT, default 8080. */
  port: number;
  /** HOST, default 0.0.0.0. */
  host: string;
  /** ZHONGSHU_DATA_DIR, default ./data. */
  dataDir: string;
  /** DATABASE_URL, default `<dataDir>/zhongshu.db`. */
  databaseUrl: string;
  redisUrl?: string;
  /** ZHONGSHU_CONFIG: a hub YAML file applied at start. */
  configFile?: string;
  /** ZHONGSHU_ADMIN_PASSWORD: bootstrap admin password (first start only). Secret. */
  adminPassword?: string;
  /** ZHONGSHU_DEMO_KEY: the demo virtual key (first start only). Secret; well-formed. */
  demoKey?: string;
  /** ZHONGSHU_MASTER_KEY: encrypts stored provider credentials (issue 3). Secret. */
  masterKey?: string;
  logLevel: LogLevel;
  /** ZHONGSHU_ALLOW_PRIVATE_UPSTREAMS, default false: allow private ranges for every provider. */
  allowPrivateUpstreams: boolean;
  /** ZHONGSHU_SIMULATOR, default true: create the demo simulator provider, deployments and aliases. */
  simulator: boolean;
  /** Providers whose API-key variable is set, in a fixed order. */
  envProviders: readonly EnvProvider[];
  /** ZHONGSHU_FX, e.g. `USD_CNY=7.2` (comma-separated pairs); default USD_CNY=7.2. Converts costs into budget currencies. */
  fx: Readonly<Record<string, string>>;
  /** ZHONGSHU_BUDGET_TIME_ZONE: IANA zone of day/month budget periods; default Asia/Shanghai. */
  budgetTimeZone: string;
  /** ZHONGSHU_ALERT_WEBHOOK: budget threshold alerts are POSTed here (through the egress client). */
  alertWebhook?: string;
  /** ZHONGSHU_SCHEDULER_CONFIG: a YAML file of scheduler settings merged over the defaults. */
  schedulerConfigFile?: string;
}

/** Environment variables that switch on a provider (DESIGN issue 2 §2). */
export const ENV_PROVIDER_VARS: readonly { id: string; kind: string; apiKeyVar: string; baseUrlVar: string }[] = [
  { id: 'openai', kind: 'openai', apiKeyVar: 'OPENAI_API_KEY', baseUrlVar: 'OPENAI_BASE_URL' },
  { id: 'anthropic', kind: 'anthropic', apiKeyVar: 'ANTHROPIC_API_KEY', baseUrlVar: 'ANTHROPIC_BASE_URL' },
  { id: 'deepseek', kind: 'deepseek', apiKeyVar: 'DEEPSEEK_API_KEY', baseUrlVar: 'DEEPSEEK_BASE_URL' },
  { id: 'zhipu', kind: 'zhipu', apiKeyVar: 'ZHIPUAI_API_KEY', baseUrlVar: 'ZHIPUAI_BASE_URL' },
  { id: 'qwen', kind: 'qwen', apiKeyVar: 'DASHSCOPE_API_KEY', baseUrlVar: 'DASHSCOPE_BASE_URL' },
  { id: 'moonshot', kind: 'moonshot', apiKeyVar: 'MOONSHOT_API_KEY', baseUrlVar: 'MOONSHOT_BASE_URL' },
];

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const boolText = (fallback: boolean) =>
  optionalText.pipe(
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'expected true or false' })
      .optional()
      .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(v))),
  );

const urlText = optionalText.refine((v) => v === undefined || URL.canParse(v), { error: 'expected an absolute URL' });

const envSchema = z.object({
  PORT: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, { error: 'expected an integer port 0–65535' })
      .transform(Number)
      .refine((n) => n <= 65535, { error: 'expected an integer port 0–65535' })
      .optional(),
  ),
  HOST: optionalText,
  ZHONGSHU_DATA_DIR: optionalText,
  DATABASE_URL: optionalText,
  REDIS_URL: optionalText.refine((v) => v === undefined || /^rediss?:\/\//.test(v), { error: 'expected redis://… or rediss://…' }),
  ZHONGSHU_CONFIG: optionalText,
  ZHONGSHU_ADMIN_PASSWORD: optionalText.refine((v) => v === undefined || v.length >= 8, { error: 'expected at least 8 characters' }),
  ZHONGSHU_DEMO_KEY: optionalText.refine((v) => v === undefined || isWellFormedVirtualKey(v), {
    error: 'expected a virtual key: "zs-" followed by exactly 40 letters or digits (generate one with `zhongshu keys create` or leave unset)',
  }),
  ZHONGSHU_MASTER_KEY: optionalText.refine((v) => v === undefined || v.length >= 32, { error: 'expected at least 32 characters (e.g. `openssl rand -base64 32`)' }),
  LOG_LEVEL: optionalText.pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected one of fatal, error, warn, info, debug, trace, silent' }).optional()),
  ZHONGSHU_ALLOW_PRIVATE_UPSTREAMS: boolText(false),
  ZHONGSHU_SIMULATOR: boolText(true),
  ZHONGSHU_FX: optionalText.refine((v) => v === undefined || /^\s*[A-Z]{3}_[A-Z]{3}\s*=\s*\d+(\.\d+)?\s*(,\s*[A-Z]{3}_[A-Z]{3}\s*=\s*\d+(\.\d+)?\s*)*$/.test(v), { error: 'expected pairs like USD_CNY=7.2, comma-separated' }),
  ZHONGSHU_BUDGET_TIME_ZONE: optionalText.refine((v) => v === undefined || isTimeZone(v), { error: 'expected an IANA time zone such as Asia/Shanghai' }),
  ZHONGSHU_ALERT_WEBHOOK: urlText,
  ZHONGSHU_SCHEDULER_CONFIG: optionalText,
  ...Object.fromEntries(ENV_PROVIDER_VARS.flatMap((p) => [[p.apiKeyVar, optionalText], [p.baseUrlVar, urlText]])),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function parseFxPairs(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of text.split(',')) {
    const [pair, rate] = item.split('=').map((p) => p.trim());
    if (pair && rate) pairs[pair] = rate;
  }
  return pairs;
}

/** Parses the environment once; throws ConfigError naming every bad variable. */
export function loadEnv(env: Record<string, string | undefined>): HubEnv {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues: ConfigIssue[] = parsed.error.issues.map((issue) => ({ path: String(issue.path[0] ?? '(environment)'), message: issue.message }));
    throw new ConfigError('Invalid environment:', issues);
  }
  const e = parsed.data as z.infer<typeof envSchema> & Record<string, string | undefined>;
  const dataDir = e.ZHONGSHU_DATA_DIR ?? './data';
  const envProviders = ENV_PROVIDER_VARS.filter((p) => e[p.apiKeyVar] !== undefined).map((p) => {
    const baseUrl = e[p.baseUrlVar];
    return Object.freeze({ id: p.id, kind: p.kind, apiKeyVar: p.apiKeyVar, ...(baseUrl !== undefined ? { baseUrl } : {}) });
  });
  const hubEnv: HubEnv = {
    port: e.PORT ?? 8080,
    host: e.HOST ?? '0.0.0.0',
    dataDir,
    databaseUrl: e.DATABASE_URL ?? join(dataDir, 'zhongshu.db'),
    redisUrl: e.REDIS_URL,
    configFile: e.ZHONGSHU_CONFIG,
    adminPassword: e.ZHONGSHU_ADMIN_PASSWORD,
    demoKey: e.ZHONGSHU_DEMO_KEY,
    masterKey: e.ZHONGSHU_MASTER_KEY,
    logLevel: e.LOG_LEVEL ?? 'info',
    allowPrivateUpstreams: e.ZHONGSHU_ALLOW_PRIVATE_UPSTREAMS,
    simulator: e.ZHONGSHU_SIMULATOR,
    envProviders: Object.freeze(envProviders),
    fx: Object.freeze(parseFxPairs(e.ZHONGSHU_FX ?? 'USD_CNY=7.2')),
    budgetTimeZone: e.ZHONGSHU_BUDGET_TIME_ZONE ?? 'Asia/Shanghai',
    alertWebhook: e.ZHONGSHU_ALERT_WEBHOOK,
    schedulerConfigFile: e.ZHONGSHU_SCHEDULER_CONFIG,
  };
  for (const key of Object.keys(hubEnv) as (keyof HubEnv)[]) if (hubEnv[key] === undefined) delete hubEnv[key];
  return Object.freeze(hubEnv);
}
