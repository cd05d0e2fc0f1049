/**
 * The declarative hub file: parse YAML, validate with zod, check cross-references, convert to
 * domain records. Every error names the path, the line and column, and what is expected.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { AppDefaults, BizLevel, Deployment, ModelAlias, ProviderRecord, Tenant, Tier } from '../core/domain.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { hubFileSchema, type RawHubFile } from './hub-file-schema.js';

export interface HubFileTenant extends Omit<Tenant, 'createdAt'> {}
export interface HubFileApp {
  id: string;
  tenantId: string;
  name: string;
  defaults: AppDefaults;
}
/** Where a key's hash comes from: an env variable holding the full key, or a stored hash. */
export type HubFileKeySecret = { kind: 'env'; variable: string } | { kind: 'hash'; hash: string; prefix: string };
export interface HubFileKey {
  id: string;
  name: string;
  tenantId: string;
  appId: string;
  secret: HubFileKeySecret;
  allowedModels?: string[];
  expiresAt?: number;
  revokedAt?: number;
}

/** A validated hub file as domain records (ids resolved, prices in micro-units). */
export interface HubFile {
  providers: ProviderRecord[];
  deployments: Deployment[];
  aliases: ModelAlias[];
  tenants: HubFileTenant[];
  apps: HubFileApp[];
  keys: HubFileKey[];
}

/** Records that already exist (e.g. in the database) and may be referenced by the file. */
export interface KnownRecords {
  providerIds?: Iterable<string>;
  deploymentIds?: Iterable<string>;
  tenantIds?: Iterable<string>;
  /** app id → tenant id */
  appTenants?: ReadonlyMap<string, string>;
}

export interface ParseHubFileOptions {
  /** Shown in error messages, e.g. `hub.yaml`. */
  source?: string;
  known?: KnownRecords;
}

type Path = readonly (string | number)[];

/** Finds the node at `path`, or the deepest existing ancestor, and returns its 1-based position. */
export function locate(doc: Document, lines: LineCounter, path: Path): { line: number; column: number } {
  let node: Node | null | undefined = doc.contents;
  for (const segment of path) {
    if (!isMap(node) && !isSeq(node)) break;
    const next: unknown = node.get(segment, true);
    if (next === undefined || next === null || typeof next !== 'object') break;
    node = next as Node;
  }
  const offset = node?.range?.[0] ?? 0;
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

export function formatPath(path: Path): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc === '' ? seg : `${acc}.${seg}`), '') || '(root)';
}

function zodIssues(error: z.ZodError, doc: Document, lines: LineCounter): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const at = keys.length > 0 ? [...path, keys[0] as string] : path;
    return { path: formatPath(at), message: issue.message, ...locate(doc, lines, at) };
  });
}

/** Parses and validates hub-file text. Throws ConfigError listing every issue. */
export function parseHubFile(text: string, opts: ParseHubFileOptions = {}): HubFile {
  const source = opts.source ?? 'hub file';
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { path: '(yaml)', message: e.message.split('\n')[0] ?? e.message, line: pos.line, column: pos.col };
    });
    throw new ConfigError(`${source}: invalid YAML`, issues, source);
  }
  const parsed = hubFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw new ConfigError(`${source}: invalid hub file`, zodIssues(parsed.error, doc, lines), source);
  const file = toHubFile(parsed.data);
  const refIssues = checkReferences(file, opts.known ?? {}).map((i) => ({ path: formatPath(i.path), message: i.message, ...locate(doc, lines, i.path) }));
  if (refIssues.length > 0) throw new ConfigError(`${source}: invalid references`, refIssues, source);
  return file;
}

export async function readHubFile(path: string, known?: KnownRecords): Promise<HubFile> {
  const text = await readFile(path, 'utf8');
  return parseHubFile(text, { source: path, known });
}

/** `api_version` → `apiVersion`: option keys are camelCase inside the hub. */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function camelOptions(options: Record<string, string | number | boolean> | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(options ?? {}).map(([k, v]) => [snakeToCamel(k), v]));
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function toHubFile(raw: RawHubFile): HubFile {
  return {
    providers: (raw.providers ?? []).map((p) =>
      defined({ id: p.id, kind: p.kind, baseUrl: p.base_url, credentialRef: p.api_key, headers: p.headers ?? {}, options: camelOptions(p.options), allowPrivateNetwork: p.allow_private_network ?? false }),
    ),
    deployments: (raw.deployments ?? []).map((d) => {
      const options = camelOptions(d.options);
      return defined({
        id: d.id ?? `${d.model}@${d.provider}`,
        providerId: d.provider,
        model: d.model,
        tier: d.tier as Tier,
        capabilities: d.capabilities ?? [],
        contextWindow: d.context_window,
        maxOutputTokens: d.max_output_tokens,
        price: d.price === undefined ? undefined : defined({ currency: d.price.currency, inputPerMTok: d.price.input, outputPerMTok: d.price.output, cachedInputPerMTok: d.price.cached_input, cacheWritePerMTok: d.price.cache_write }),
        limits: defined({ ...(d.limits ?? {}) }),
        weight: d.weight ?? 1,
        quality: d.quality,
        status: d.status ?? 'enabled',
        options: Object.keys(options).length > 0 ? options : undefined,
      });
    }),
    aliases: (raw.aliases ?? []).map((a) =>
      defined({ name: a.name, description: a.description, members: a.members.map((m) => (m.canary === true ? { deploymentId: m.deployment, weight: m.weight ?? 1, canary: true } : { deploymentId: m.deployment, weight: m.weight ?? 1 })) }),
    ),
    tenants: (raw.tenants ?? []).map((t) => ({ id: t.id, name: t.name, status: t.status ?? 'active' })),
    apps: (raw.apps ?? []).map((a) => ({
      id: a.id,
      tenantId: a.tenant,
      name: a.name,
      defaults: defined({ bizLevel: a.defaults?.biz_level as BizLevel | undefined, costPreference: a.defaults?.prefer_cost, allowedModels: a.defaults?.allowed_models, capabilities: a.defaults?.capabilities, cache: a.defaults?.cache ? { ttlSeconds: a.defaults.cache.ttl_seconds } : undefined }),
    })),
    keys: (raw.keys ?? []).map((k) =>
      defined({
        id: k.id,
        name: k.name,
        tenantId: k.tenant,
        appId: k.app,
        secret: k.secret !== undefined ? { kind: 'env' as const, variable: k.secret.slice('env:'.length) } : { kind: 'hash' as const, hash: (k.hash ?? '').slice('sha256:'.length), prefix: k.prefix ?? '' },
        allowedModels: k.allowed_models,
        expiresAt: k.expires_at === undefined ? undefined : Date.parse(k.expires_at),
        revokedAt: k.revoked_at === undefined ? undefined : Date.parse(k.revoked_at),
      }),
    ),
  };
}

interface RefIssue {
  path: Path;
  message: string;
}

function duplicates(section: string, ids: string[], field: string): RefIssue[] {
  const seen = new Set<string>();
  const issues: RefIssue[] = [];
  ids.forEach((value, i) => {
    if (seen.has(value)) issues.push({ path: [section, i, field], message: `duplicate ${field} "${value}": each must be unique` });
    seen.add(value);
  });
  return issues;
}

function checkReferences(file: HubFile, known: KnownRecords): RefIssue[] {
  const providers = new Set([...(known.providerIds ?? []), ...file.providers.map((p) => p.id)]);
  const deployments = new Set([...(known.deploymentIds ?? []), ...file.deployments.map((d) => d.id)]);
  const tenants = new Set([...(known.tenantIds ?? []), ...file.tenants.map((t) => t.id)]);
  const appTenants = new Map([...(known.appTenants ?? new Map<string, string>()), ...file.apps.map((a) => [a.id, a.tenantId] as const)]);
  const issues: RefIssue[] = [
    ...duplicates('providers', file.providers.map((p) => p.id), 'id'),
    ...duplicates('deployments', file.deployments.map((d) => d.id), 'id'),
    ...duplicates('aliases', file.aliases.map((a) => a.name), 'name'),
    ...duplicates('tenants', file.tenants.map((t) => t.id), 'id'),
    ...duplicates('apps', file.apps.map((a) => a.id), 'id'),
    ...duplicates('keys', file.keys.map((k) => k.id), 'id'),
  ];
  file.deployments.forEach((d, i) => {
    if (!providers.has(d.providerId)) issues.push({ path: ['deployments', i, 'provider'], message: `unknown provider "${d.providerId}": expected the id of an entry in providers` });
  });
  file.aliases.forEach((a, i) => {
    if (deployments.has(a.name)) issues.push({ path: ['aliases', i, 'name'], message: `alias "${a.name}" has the same name as a deployment id: expected a distinct name` });
    a.members.forEach((m, j) => {
      if (!deployments.has(m.deploymentId)) issues.push({ path: ['aliases', i, 'members', j, 'deployment'], message: `unknown deployment "${m.deploymentId}": expected the id of an entry in deployments` });
    });
  });
  file.apps.forEach((a, i) => {
    if (!tenants.has(a.tenantId)) issues.push({ path: ['apps', i, 'tenant'], message: `unknown tenant "${a.tenantId}": expected the id of an entry in tenants` });
  });
  file.keys.forEach((k, i) => {
    if (!tenants.has(k.tenantId)) issues.push({ path: ['keys', i, 'tenant'], message: `unknown tenant "${k.tenantId}": expected the id of an entry in tenants` });
    const appTenant = appTenants.get(k.appId);
    if (appTenant === undefined) issues.push({ path: ['keys', i, 'app'], message: `unknown app "${k.appId}": expected the id of an entry in apps` });
    else if (appTenant !== k.tenantId) issues.push({ path: ['keys', i, 'app'], message: `app "${k.appId}" belongs to tenant "${appTenant}", not "${k.tenantId}"` });
  });
  return issues;
}
