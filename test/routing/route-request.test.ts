import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/core/domain.js';
import { buildRouteRequest, DEFAULT_ROUTING_MAX_OUTPUT } from '../../src/gateway/routing/route-request.js';

const principal = (capabilities?: string[]): Principal => ({
  tenantId: 't1', appId: 'a1', keyId: 'k1', keyPrefix: 'zs-k1', defaults: capabilities ? { capabilities } : {},
});

function build(p: Principal, hinted: string[] | undefined, inferred: string[]) {
  return buildRouteRequest({
    requestId: 'r1', principal: p, hints: hinted ? { capabilities: hinted } : {}, pinned: false, stream: true,
    inputTokens: 10, maxOutputTokens: undefined, inferred,
  });
}

describe('route request', () => {
  it('requires declared (app, hints) then inferred capabilities, each once, in first-seen order', () => {
    expect(build(principal(['json', 'code']), ['vision', 'json'], ['function_calling', 'vision']).capabilities).toEqual(['json', 'code', 'vision', 'function_calling']);
    expect(build(principal(), undefined, ['vision']).capabilities).toEqual(['vision']);
    expect(build(principal(), undefined, ['vision', 'vision']).capabilities).toEqual(['vision']);
    expect(build(principal(), [], []).capabilities).toEqual([]);
  });

  it('answers a capability list of its own', () => {
    const inferred = ['vision'];
    const req = build(principal(), undefined, inferred);
    expect(req.capabilities).not.toBe(inferred);
  });

  it('fills defaults: normal business, low cost preference, default max output, sticky key per end user', () => {
    const req = build({ ...principal(), endUser: 'u9' }, undefined, []);
    expect(req).toMatchObject({ bizLevel: 'normal', costPreference: 'low', maxOutputTokens: DEFAULT_ROUTING_MAX_OUTPUT, stickyKey: 't1/u9', tenantId: 't1' });
  });
});
