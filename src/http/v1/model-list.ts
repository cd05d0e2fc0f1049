/** Catalog → the entries of GET /v1/models (aliases first, then deployments). */
import type { Catalog } from '../../core/catalog.js';
import type { Deployment } from '../../core/domain.js';
import type { ModelListEntry } from './openai/index.js';

function deploymentEntry(d: Deployment): ModelListEntry {
  return {
    id: d.id,
    ownedBy: d.providerId,
    kind: 'deployment',
    tier: d.tier,
    capabilities: d.capabilities,
    contextWindow: d.contextWindow,
    ...(d.maxOutputTokens !== undefined ? { maxOutputTokens: d.maxOutputTokens } : {}),
    ...(d.price !== undefined ? { price: d.price } : {}),
  };
}

export function modelListEntries(catalog: Catalog, usable: { aliases: string[]; deployments: Deployment[] }): ModelListEntry[] {
  const usableIds = new Set(usable.deployments.map((d) => d.id));
  const entries: ModelListEntry[] = [];
  for (const name of usable.aliases) {
    const alias = catalog.aliases.get(name);
    const members = (alias?.members ?? [])
      .map((m) => catalog.deployments.get(m.deploymentId))
      .filter((d): d is Deployment => d !== undefined && usableIds.has(d.id));
    const first = members[0];
    if (!first) continue;
    // An alias offers what all its usable members share; its price is its first member's.
    const capabilities = first.capabilities.filter((c) => members.every((m) => m.capabilities.includes(c)));
    entries.push({
      id: name,
      ownedBy: 'zhongshu',
      kind: 'alias',
      tier: first.tier,
      capabilities,
      contextWindow: Math.min(...members.map((m) => m.contextWindow)),
      ...(first.price !== undefined ? { price: first.price } : {}),
    });
  }
  for (const d of usable.deployments) entries.push(deploymentEntry(d));
  return entries;
}
