/**
 * Virtual key → principal. The key is checked for shape before anything else happens, then
 * looked up by its sha256 hash in the in-memory catalog (no storage access on the request path).
 */
import type { Catalog } from '../../core/catalog.js';
import type { Principal } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';

export interface VirtualKeyCodec {
  /** Cheap shape check, run before any lookup. */
  isWellFormed(key: string): boolean;
  /** sha256 hex (the stored form). */
  hash(key: string): string;
}

/** `Authorization: Bearer <key>` (OpenAI) or `x-api-key: <key>` (Anthropic). */
export function extractVirtualKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const xApiKey = headers['x-api-key'];
  if (typeof xApiKey === 'string' && xApiKey !== '') return xApiKey.trim();
  const auth = headers['authorization'];
  if (typeof auth !== 'string') return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
  return match?.[1]?.trim();
}

export function authenticate(
  catalog: Catalog,
  rawKey: string | undefined,
  codec: VirtualKeyCodec,
  now: number,
): Principal {
  if (rawKey === undefined || rawKey === '') {
    throw new HubError('missing_api_key', 'Missing virtual key: send "Authorization: Bearer <key>" or "x-api-key: <key>".');
  }
  if (!codec.isWellFormed(rawKey)) {
    throw new HubError('invalid_api_key', 'Invalid virtual key: it is not a Zhongshu key (expected "zs-" followed by 40 letters and digits).');
  }
  const record = catalog.keysByHash.get(codec.hash(rawKey));
  if (record === undefined || record.revokedAt !== undefined) {
    throw new HubError('invalid_api_key', 'Invalid virtual key: unknown or revoked.');
  }
  if (record.expiresAt !== undefined && record.expiresAt <= now) {
    throw new HubError('invalid_api_key', `Invalid virtual key: ${record.prefix}… expired.`);
  }
  const tenant = catalog.tenants.get(record.tenantId);
  const app = catalog.apps.get(record.appId);
  if (tenant === undefined || app === undefined || tenant.status !== 'active') {
    throw new HubError('invalid_api_key', `Invalid virtual key: ${record.prefix}… belongs to a suspended or deleted tenant or app.`);
  }
  const keyModels = record.allowedModels && record.allowedModels.length > 0 ? record.allowedModels : undefined;
  const appModels = app.defaults.allowedModels && app.defaults.allowedModels.length > 0 ? app.defaults.allowedModels : undefined;
  const allowedModels = keyModels ?? appModels;
  return {
    tenantId: record.tenantId,
    appId: record.appId,
    keyId: record.id,
    keyPrefix: record.prefix,
    defaults: app.defaults,
    ...(allowedModels ? { allowedModels } : {}),
  };
}
