import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/core/catalog.js';
import type { Deployment, ModelAlias, Principal } from '../../src/core/domain.js';
import { HubError } from '../../src/core/errors.js';
import { resolveCandidates } from '../../src/gateway/routing/resolve-candidates.js';

function deployment(id: string, over: Partial<Deployment> = {}): Deployment {
  return { id, providerId: 'p', model: `model-${id}`, tier: 'standard', capabilities: [], contextWindow: 8_000, limits: {}, weight: 1, status: 'enabled', ...over };
}

function catalog(deployments: Deployment[], aliases: ModelAlias[]): Catalog {
  return {
    version: 1, providers: new Map(), deployments: new Map(deployments.map((d) => [d.id, d])), aliases: new Map(aliases.map((a) => [a.name, a])),
    tenants: new Map(), apps: new Map(), keysByHash: new Map(), secrets: new Map(), rateLimits: new Map(), budgets: [],
  };
}

const principal = (allowedModels?: string[]): Principal => ({ tenantId: 't1', appId: 'a1', keyId: 'k1', keyPrefix: 'zs-k1', defaults: {}, ...(allowedModels ? { allowedModels } : {}) });

const pool: ModelAlias = { name: 'pool', members: [{ deploymentId: 'a', weight: 3 }, { deploymentId: 'b', weight: 1, canary: true }, { deploymentId: 'off', weight: 1 }] };
const fleet = () => catalog([deployment('a'), deployment('b'), deployment('off', { status: 'disabled' }), deployment('emb', { capabilities: ['embeddings'] })], [pool]);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    return err instanceof HubError ? err.code : 'not a HubError';
  }
  return undefined;
}

describe('resolve candidates', () => {
  it('resolves an alias to its live members, with weights and canary marks', () => {
    const r = resolveCandidates(fleet(), 'pool', principal(), 'chat');
    expect(r.pinned).toBe(false);
    expect(r.alias).toBe('pool');
    expect(r.candidates.map((c) => [c.deployment.id, c.weight, c.canary, c.alias])).toEqual([['a', 3, false, 'pool'], ['b', 1, true, 'pool']]);
  });

  it('resolves once per catalog version: the same frozen answer for every request', () => {
    const cat = fleet();
    const first = resolveCandidates(cat, 'pool', principal(), 'chat');
    expect(resolveCandidates(cat, 'pool', principal(), 'chat')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.candidates)).toBe(true);
    expect(first.candidates.every((c) => Object.isFrozen(c))).toBe(true);
    // A new catalog version is resolved anew, and sees its own deployments.
    const next = catalog([deployment('a'), deployment('b', { status: 'disabled' })], [pool]);
    expect(resolveCandidates(next, 'pool', principal(), 'chat').candidates.map((c) => c.deployment.id)).toEqual(['a']);
    expect(resolveCandidates(cat, 'pool', principal(), 'chat')).toBe(first);
  });

  it('applies the allow-list to the resolved deployments, per list', () => {
    const cat = fleet();
    const onlyA = ['a'];
    const r = resolveCandidates(cat, 'pool', principal(onlyA), 'chat');
    expect(r.candidates.map((c) => c.deployment.id)).toEqual(['a']);
    expect(resolveCandidates(cat, 'pool', principal(onlyA), 'chat')).toBe(r);
    // A list covering every candidate answers the unrestricted resolution.
    expect(resolveCandidates(cat, 'pool', principal(['pool']), 'chat')).toBe(resolveCandidates(cat, 'pool', principal(), 'chat'));
    expect(resolveCandidates(cat, 'pool', principal(['model-b']), 'chat').candidates.map((c) => c.deployment.id)).toEqual(['b']);
    expect(codeOf(() => resolveCandidates(cat, 'pool', principal(['emb']), 'chat'))).toBe('model_not_allowed');
    // Asked again with the same list: refused again.
    expect(codeOf(() => resolveCandidates(cat, 'pool', principal(['emb']), 'chat'))).toBe('model_not_allowed');
  });

  it('pins a deployment id or upstream model name, by kind; refuses unknown names every time', () => {
    const cat = fleet();
    expect(resolveCandidates(cat, 'model-a', principal(), 'chat')).toMatchObject({ pinned: true });
    expect(resolveCandidates(cat, 'emb', principal(), 'embedding').candidates.map((c) => c.deployment.id)).toEqual(['emb']);
    expect(codeOf(() => resolveCandidates(cat, 'emb', principal(), 'chat'))).toBe('model_not_found');
    expect(codeOf(() => resolveCandidates(cat, 'off', principal(), 'chat'))).toBe('model_not_found');
    for (let i = 0; i < 3; i++) expect(codeOf(() => resolveCandidates(cat, 'nope', principal(), 'chat'))).toBe('model_not_found');
    expect(resolveCandidates(cat, 'auto', principal(), 'chat').candidates.map((c) => c.deployment.id)).toEqual(['a', 'b']);
  });
});
