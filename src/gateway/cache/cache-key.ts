/**
 * The response-cache key: sha256 over a canonical JSON of (tenant id, requested model, routing
 * hints that change who answers, the canonical request minus `user` and the stream flags).
 * Object keys are sorted and undefined fields dropped, so equal requests give equal keys
 * whatever the field order on the wire.
 */
import { createHash } from 'node:crypto';
import type { ChatRequest } from '../../core/chat.js';
import { HubError } from '../../core/errors.js';
import type { RoutingHints } from '../../core/routing-hints.js';
import type { ResponseCacheKey } from './cache-port.js';

/** Whose cache an entry belongs to. A tenant id is required: there is no global scope. */
export interface CacheScope {
  tenantId: string;
}

const KEY_VERSION = 'v1';

export function responseCacheKey(scope: CacheScope, req: ChatRequest, hints: RoutingHints = {}): ResponseCacheKey {
  if (typeof scope.tenantId !== 'string' || scope.tenantId === '') {
    throw new HubError('internal_error', 'A response-cache key needs the tenant id of the caller.');
  }
  const { user: _user, stream: _stream, includeUsage: _includeUsage, ...request } = req;
  const material = canonicalJson({
    tenant: scope.tenantId,
    model: req.model,
    hints: { bizLevel: hints.bizLevel, costPreference: hints.costPreference, capabilities: hints.capabilities },
    request,
  });
  const digest = createHash('sha256').update(material, 'utf8').digest('hex');
  return `zs:rc:${KEY_VERSION}:${encodeURIComponent(scope.tenantId)}:${digest}` as ResponseCacheKey;
}

/** JSON with object keys sorted at every level and undefined members left out. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = sortKeys(v);
  }
  return out;
}
