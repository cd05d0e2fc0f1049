/**
 * Virtual key → principal. The key is checked for shape before anything else happens, then
 * looked up by its sha256 hash in the in-memory catalog (no storage access on the request path).
 *
 * Hash memo: hashing is the only costly step (a few µs), and a client sends the same key on
 * every request, so the hashes of keys that recently authenticated are remembered per codec
 * (bounded, oldest forgotten first). The memo skips the shape check and the hash only; the key
 * record, its revocation and expiry, and the tenant and app are read from the CURRENT catalog
 * on every request, so a revoked, expired or suspended key is refused on its next request.
 * Trade-off: up to MAX_REMEMBERED_KEYS raw keys of recent successful callers stay in process
 * memory (a heap dump would show them, as it can show in-flight request headers); a key that
 * fails for any reason is forgotten at once, and unknown keys are never stored, so a flood of
 * guessed keys can neither grow the memo nor evict real ones.
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

/** Keys remembered per codec (≈ 250 bytes each). */
export const MAX_REMEMBERED_KEYS = 4_096;

/** Per codec: raw key → its hash, for keys that authenticated (insertion order = age). */
const hashMemos = new WeakMap<VirtualKeyCodec, Map<string, string>>();

function remember(codec: VirtualKeyCodec, rawKey: string, hash: string): void {
  let memo = hashMemos.get(codec);
  if (memo === undefined) {
    memo = new Map();
    hashMemos.set(codec, memo);
  }
  if (memo.size >= MAX_REMEMBERED_KEYS) {
    const oldest = memo.keys().next();
    if (oldest.done !== true) memo.delete(oldest.value);
  }
  memo.set(rawKey, hash);
}

function invalidKey(codec: VirtualKeyCodec, rawKey: string, message: string): HubError {
  hashMemos.get(codec)?.delete(rawKey);
  return new HubError('invalid_api_key', message);
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
  // A remembered key passed the shape check when it was remembered.
  const remembered = hashMemos.get(codec)?.get(rawKey);
  if (remembered === undefined && !codec.isWellFormed(rawKey)) {
    throw new HubError('invalid_api_key', 'Invalid virtual key: it is not a Zhongshu key (expected "zs-" followed by 40 letters and digits).');
  }
  const hash = remembered ?? codec.hash(rawKey);
  const record = catalog.keysByHash.get(hash);
  if (record === undefined || record.revokedAt !== undefined) {
    throw invalidKey(codec, rawKey, 'Invalid virtual key: unknown or revoked.');
  }
  if (record.expiresAt !== undefined && record.expiresAt <= now) {
    throw invalidKey(codec, rawKey, `Invalid virtual key: ${record.prefix}… expired.`);
  }
  const tenant = catalog.tenants.get(record.tenantId);
  const app = catalog.apps.get(record.appId);
  if (tenant === undefined || app === undefined || tenant.status !== 'active') {
    throw invalidKey(codec, rawKey, `Invalid virtual key: ${record.prefix}… belongs to a suspended or deleted tenant or app.`);
  }
  if (remembered === undefined) remember(codec, rawKey, hash);
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
