/**
 * Requested model name → candidate deployments, with the caller's allow-list applied to the
 * RESOLVED deployments (an alias cannot smuggle a forbidden model).
 *
 * Name resolution order: `auto` (every enabled deployment of the right kind) → alias name →
 * deployment id → upstream model name (every deployment serving it).
 */
import type { Catalog } from '../../core/catalog.js';
import type { Deployment, Principal } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import type { RouteCandidate } from '../../core/scheduling.js';

export type RequestKind = 'chat' | 'embedding';

export interface ResolvedCandidates {
  /** Shared by the requests that resolve the same name: frozen, not to be changed. */
  candidates: RouteCandidate[];
  /** The client named one concrete model (deployment id or upstream model name). */
  pinned: boolean;
  alias?: string;
}

export const AUTO_MODEL = 'auto';

function servesKind(d: Deployment, kind: RequestKind): boolean {
  const isEmbedding = d.capabilities.includes('embeddings');
  return kind === 'embedding' ? isEmbedding : !isEmbedding;
}

/** True when `entry` of an allow-list covers deployment `d` (by id, upstream model or alias). */
function allowListCovers(catalog: Catalog, allowed: readonly string[], d: Deployment): boolean {
  for (const entry of allowed) {
    if (entry === d.id || entry === d.model) return true;
    const alias = catalog.aliases.get(entry);
    if (alias?.members.some((m) => m.deploymentId === d.id)) return true;
  }
  return false;
}

/**
 * Resolves `model` for `principal`. Resolutions are computed once per catalog version (and
 * allow-list): the answer and its candidates are frozen and shared by every request that
 * resolves the same name — read them, never change them.
 */
export function resolveCandidates(
  catalog: Catalog,
  model: string,
  principal: Principal,
  kind: RequestKind,
): ResolvedCandidates {
  const resolution = resolutionOf(catalog, model, kind);
  if (resolution === undefined) {
    throw new HubError('model_not_found', `Model "${model}" is not an alias, deployment or model this hub serves for ${kind} requests. GET /v1/models lists what your key may use.`, { param: 'model' });
  }
  const allowed = principal.allowedModels;
  const permitted = allowed ? resolution.permittedBy(catalog, allowed) : resolution.live;
  if (permitted === undefined) {
    throw new HubError('model_not_allowed', `Your key may not use model "${model}".`, { param: 'model' });
  }
  return permitted;
}

/** The resolution of one (catalog, kind, model): its live candidates and their allow-list subsets. */
class Resolution {
  /** Permitted subset per allow-list (by identity: a key's list lives as long as its catalog). */
  private readonly allowListed = new WeakMap<readonly string[], ResolvedCandidates | undefined>();

  constructor(readonly live: ResolvedCandidates) {}

  /** The candidates `allowed` covers, or undefined when it covers none. */
  permittedBy(catalog: Catalog, allowed: readonly string[]): ResolvedCandidates | undefined {
    if (this.allowListed.has(allowed)) return this.allowListed.get(allowed);
    const candidates = this.live.candidates.filter((c) => allowListCovers(catalog, allowed, c.deployment));
    const permitted = candidates.length === 0 ? undefined : candidates.length === this.live.candidates.length ? this.live : frozen({ ...this.live, candidates });
    this.allowListed.set(allowed, permitted);
    return permitted;
  }
}

/** Successful resolutions of each catalog version, by kind, then requested name. */
const resolutions = new WeakMap<Catalog, Record<RequestKind, Map<string, Resolution>>>();

function resolutionOf(catalog: Catalog, model: string, kind: RequestKind): Resolution | undefined {
  let byKind = resolutions.get(catalog);
  if (byKind === undefined) {
    byKind = { chat: new Map(), embedding: new Map() };
    resolutions.set(catalog, byKind);
  }
  const known = byKind[kind].get(model);
  if (known !== undefined) return known;
  const live = resolveLive(catalog, model, kind);
  // Unknown names are not kept: what clients send must not grow the cache.
  if (live === undefined) return undefined;
  const resolution = new Resolution(live);
  byKind[kind].set(model, resolution);
  return resolution;
}

/** The candidates `model` names that can serve `kind` (not disabled), or undefined when none. */
function resolveLive(catalog: Catalog, model: string, kind: RequestKind): ResolvedCandidates | undefined {
  let resolved: ResolvedCandidates;
  const alias = catalog.aliases.get(model);
  if (model === AUTO_MODEL && alias === undefined) {
    const candidates: RouteCandidate[] = [];
    for (const d of catalog.deployments.values()) {
      if (servesKind(d, kind)) candidates.push({ deployment: d, weight: d.weight, canary: false });
    }
    resolved = { candidates, pinned: false };
  } else if (alias !== undefined) {
    const candidates: RouteCandidate[] = [];
    for (const m of alias.members) {
      const d = catalog.deployments.get(m.deploymentId);
      if (d) candidates.push({ deployment: d, weight: m.weight, canary: m.canary === true, alias: alias.name });
    }
    resolved = { candidates, pinned: false, alias: alias.name };
  } else {
    const byId = catalog.deployments.get(model);
    const matches = byId ? [byId] : [...catalog.deployments.values()].filter((d) => d.model === model);
    resolved = { candidates: matches.map((d) => ({ deployment: d, weight: d.weight, canary: false })), pinned: true };
  }
  const live = resolved.candidates.filter((c) => c.deployment.status !== 'disabled' && servesKind(c.deployment, kind));
  return live.length === 0 ? undefined : frozen({ ...resolved, candidates: live });
}

/** Freezes a resolution, its candidate list and each candidate (they are shared across requests). */
function frozen(resolved: ResolvedCandidates): ResolvedCandidates {
  for (const c of resolved.candidates) Object.freeze(c);
  Object.freeze(resolved.candidates);
  return Object.freeze(resolved);
}

/** Deployments and aliases a principal may use, for GET /v1/models. */
export function listUsableModels(catalog: Catalog, principal: Principal): { aliases: string[]; deployments: Deployment[] } {
  const allowed = principal.allowedModels;
  const deployments = [...catalog.deployments.values()].filter(
    (d) => d.status !== 'disabled' && (!allowed || allowListCovers(catalog, allowed, d)),
  );
  const usable = new Set(deployments.map((d) => d.id));
  const aliases = [...catalog.aliases.values()]
    .filter((a) => a.members.some((m) => usable.has(m.deploymentId)))
    .map((a) => a.name);
  return { aliases, deployments };
}
