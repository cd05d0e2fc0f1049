/**
 * Provider credentials stored in the database, encrypted (admin-crypto.ts). A provider whose
 * credential is stored has `credentialRef: 'stored'`. Responses and audit rows show only the
 * mask. `decryptCredential` is what the catalog loader calls to resolve `stored` providers.
 */
import type { ProviderRecord, StoredCredential } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import type { AdminStore } from '../../core/store.js';
import { decryptSecret, deriveMasterKey, encryptSecret, maskSecret, type MasterKey } from './admin-crypto.js';

export interface CredentialView {
  providerId: string;
  mask: string;
  keyId: string;
  updatedAt: number;
}

export function credentialView(c: StoredCredential): CredentialView {
  return { providerId: c.providerId, mask: c.mask, keyId: c.keyId, updatedAt: c.updatedAt };
}

export const MASTER_KEY_MISSING =
  'Storing provider credentials needs a master key: set ZHONGSHU_MASTER_KEY to a random secret of at least 32 characters (e.g. `openssl rand -base64 32`) and restart the hub. Or reference an environment variable instead (credentialRef "env:NAME").';

export class CredentialVault {
  private readonly keys: MasterKey[];

  /** `masterKeys[0]` encrypts; every key decrypts (old keys stay listed during rotation). */
  constructor(
    private readonly adminStore: AdminStore,
    masterKeys: readonly string[],
    private readonly now: () => number,
  ) {
    this.keys = masterKeys.filter((k) => k !== '').map(deriveMasterKey);
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** Encrypts and stores; returns the stored record (its view is the only thing to show). */
  async store(providerId: string, secret: string): Promise<StoredCredential> {
    const current = this.keys[0];
    if (current === undefined) throw new HubError('invalid_request', MASTER_KEY_MISSING, { param: 'apiKey' });
    const record: StoredCredential = { providerId, ...encryptSecret(current, secret, providerId), mask: maskSecret(secret), updatedAt: this.now() };
    await this.adminStore.putCredential(record);
    return record;
  }

  async view(providerId: string): Promise<CredentialView | undefined> {
    const c = await this.adminStore.getCredential(providerId);
    return c === undefined ? undefined : credentialView(c);
  }

  async remove(providerId: string): Promise<void> {
    await this.adminStore.deleteCredential(providerId);
  }

  /**
   * The plaintext secret of a provider's stored credential, or undefined when none is stored.
   * Throws `internal_error` when a credential exists but cannot be decrypted (no or wrong
   * master key). Never log the result.
   */
  async decryptCredential(providerId: string): Promise<string | undefined> {
    const c = await this.adminStore.getCredential(providerId);
    if (c === undefined) return undefined;
    if (!this.enabled) throw new HubError('internal_error', `provider ${providerId} has a stored credential but ZHONGSHU_MASTER_KEY is not set`);
    return decryptSecret(this.keys, c, providerId);
  }

  /** Re-encrypts every credential under the current master key; returns how many changed. */
  async reencryptAll(): Promise<number> {
    const current = this.keys[0];
    if (current === undefined) throw new HubError('invalid_request', MASTER_KEY_MISSING);
    let changed = 0;
    for (const c of await this.adminStore.listCredentials()) {
      if (c.keyId === current.id) continue;
      const secret = decryptSecret(this.keys, c, c.providerId);
      await this.adminStore.putCredential({ ...c, ...encryptSecret(current, secret, c.providerId), updatedAt: this.now() });
      changed += 1;
    }
    return changed;
  }
}

/**
 * For the catalog loader: the secret of one provider record, `stored` credentials decrypted.
 * Returns undefined for other references (the loader resolves `env:NAME` itself).
 */
export function storedSecretResolver(vault: CredentialVault): (provider: ProviderRecord) => Promise<string | undefined> {
  return async (provider) => (provider.credentialRef === 'stored' ? vault.decryptCredential(provider.id) : undefined);
}
