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

export function resolveCandidates(
  catalog: Catalog,
  model: string,
  principal: Principal,
  kind: RequestKind,
): ResolvedCandidates {
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
  if (live.length === 0) {
    throw new HubError('model_not_found', `Model "${model}" is not an alias, deployment or model this hub serves for ${kind} requests. GET /v1/models lists what your key may use.`, { param: 'model' });
  }
  const allowed = principal.allowedModels;
  const permitted = allowed ? live.filter((c) => allowListCovers(catalog, allowed, c.deployment)) : live;
  if (permitted.length === 0) {
    throw new HubError('model_not_allowed', `Your key may not use model "${model}".`, { param: 'model' });
  }
  return { ...resolved, candidates: permitted };
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
