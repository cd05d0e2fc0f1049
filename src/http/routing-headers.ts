/**
 * Routing hints from headers (`x-biz-level`, `x-prefer-cost`, `x-capabilities`, `x-end-user`).
 * Headers win over the body extension field; both win over app defaults.
 */
import { BIZ_LEVELS, type BizLevel, type CostPreference } from '../core/domain.js';
import { HubError } from '../core/errors.js';
import type { RoutingHints } from '../core/routing-hints.js';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

export function hintsFromHeaders(headers: Headers): RoutingHints {
  const hints: RoutingHints = {};
  const level = header(headers, 'x-biz-level');
  if (level !== undefined) {
    if (!(BIZ_LEVELS as readonly string[]).includes(level)) {
      throw new HubError('invalid_request', `Header x-biz-level must be one of ${BIZ_LEVELS.join(', ')}; got "${level.slice(0, 40)}".`, { param: 'x-biz-level' });
    }
    hints.bizLevel = level as BizLevel;
  }
  const cost = header(headers, 'x-prefer-cost');
  if (cost !== undefined) {
    if (cost !== 'low' && cost !== 'high') {
      throw new HubError('invalid_request', `Header x-prefer-cost must be "low" or "high"; got "${cost.slice(0, 40)}".`, { param: 'x-prefer-cost' });
    }
    hints.costPreference = cost as CostPreference;
  }
  const caps = header(headers, 'x-capabilities');
  if (caps !== undefined) {
    const list = caps.split(',').map((c) => c.trim()).filter((c) => c !== '');
    if (list.some((c) => !/^[a-z0-9_.-]{1,64}$/.test(c))) {
      throw new HubError('invalid_request', 'Header x-capabilities must be a comma-separated list of capability tags (a-z, 0-9, _ . -).', { param: 'x-capabilities' });
    }
    hints.capabilities = list;
  }
  const endUser = header(headers, 'x-end-user');
  if (endUser !== undefined) hints.endUser = endUser.slice(0, 256);
  return hints;
}

/** Header hints override body hints field by field. */
export function mergeHints(body: RoutingHints, fromHeaders: RoutingHints): RoutingHints {
  return { ...body, ...fromHeaders };
}
