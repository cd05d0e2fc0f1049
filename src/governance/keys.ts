/**
 * Virtual key format: `zs-` + 40 base62 characters (≈238 bits from crypto.randomBytes).
 * Only `hashVirtualKey(key)` (sha256 hex) and `displayPrefix(key)` are ever stored.
 * `isWellFormedVirtualKey` is the cheap check done before any storage access.
 */
import * as nodeCrypto from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';

export const VIRTUAL_KEY_PREFIX = 'zs-';
export const VIRTUAL_KEY_BODY_LENGTH = 40;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const WELL_FORMED = /^zs-[0-9A-Za-z]{40}$/;
/** Characters of the key shown again after creation (`zs-` + 8). */
const DISPLAY_LENGTH = VIRTUAL_KEY_PREFIX.length + 8;

/** A new random virtual key. Rejection sampling keeps every base62 character equally likely. */
export function generateVirtualKey(): string {
  let body = '';
  while (body.length < VIRTUAL_KEY_BODY_LENGTH) {
    for (const byte of randomBytes(64)) {
      if (byte < 248 && body.length < VIRTUAL_KEY_BODY_LENGTH) body += BASE62[byte % 62];
    }
  }
  return VIRTUAL_KEY_PREFIX + body;
}

/** True when `value` has the exact shape of a virtual key. Constant work; no storage access. */
export function isWellFormedVirtualKey(value: string): boolean {
  return value.length === VIRTUAL_KEY_PREFIX.length + VIRTUAL_KEY_BODY_LENGTH && WELL_FORMED.test(value);
}

/** `crypto.hash` (Node ≥ 20.12): the same digest without a Hash object; absent on older Node 20. */
const oneShotHash: typeof nodeCrypto.hash | undefined = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;

/** sha256 hex of the full key: the only form in which a key is stored or looked up. */
export function hashVirtualKey(key: string): string {
  return oneShotHash !== undefined ? oneShotHash('sha256', key, 'hex') : createHash('sha256').update(key, 'utf8').digest('hex');
}

/** `zs-` + the first 8 body characters, e.g. `zs-AbC123xy`: safe to show and log. */
export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_LENGTH);
}
