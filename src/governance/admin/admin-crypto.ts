/**
 * Encryption of provider credentials at rest: AES-256-GCM, a random 12-byte IV per value, the
 * 16-byte auth tag, and the provider id as additional authenticated data (a ciphertext copied
 * to another provider's row fails to decrypt). The 32-byte key is derived from the operator's
 * master key (ZHONGSHU_MASTER_KEY) with HKDF-SHA256; its `keyId` (a fingerprint of the derived
 * key, not the key) is stored with every value, so keys can be rotated.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { HubError } from '../../core/errors.js';

const HKDF_SALT = 'zhongshu/credentials/v1';
const HKDF_INFO = 'aes-256-gcm';

export interface MasterKey {
  /** 16 hex characters identifying the derived key. */
  readonly id: string;
  readonly key: Buffer;
}

export interface EncryptedValue {
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export function deriveMasterKey(secret: string): MasterKey {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), HKDF_SALT, HKDF_INFO, 32));
  const id = createHash('sha256').update('zhongshu-key-id').update(key).digest('hex').slice(0, 16);
  return { id, key };
}

export function encryptSecret(master: MasterKey, plaintext: string, aad: string): EncryptedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', master.key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: master.id, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

/** Throws `internal_error` (no detail about the value) when the key or the data is wrong. */
export function decryptSecret(keys: readonly MasterKey[], value: EncryptedValue, aad: string): string {
  const master = keys.find((k) => k.id === value.keyId);
  if (master === undefined) {
    throw new HubError('internal_error', `credential was encrypted with master key ${value.keyId}, which is not configured`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', master.key, Buffer.from(value.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(value.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(value.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new HubError('internal_error', 'credential failed authentication (wrong master key or tampered data)', { cause: err });
  }
}

/**
 * The only displayable form of a secret: `sk-…abcd` (a dash-ended vendor prefix of up to 4
 * characters, then the last 4). Short secrets show only `…` and the last 2.
 */
export function maskSecret(secret: string): string {
  if (secret.length < 12) return secret.length >= 8 ? `…${secret.slice(-2)}` : '…';
  const prefix = /^[A-Za-z]{1,3}-/.exec(secret)?.[0] ?? '';
  return `${prefix}…${secret.slice(-4)}`;
}
