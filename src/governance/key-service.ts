/**
 * Creating and revoking virtual keys (used by the CLI now, the admin API later). The full key
 * is returned once by `createVirtualKey`; only its hash and display prefix are stored.
 */
import { randomUUID } from 'node:crypto';
import type { ApiKeyRecord } from '../core/domain.js';
import { HubError } from '../core/errors.js';
import type { HubStore } from '../core/store.js';
import { displayPrefix, generateVirtualKey, hashVirtualKey } from './keys.js';

export interface CreateVirtualKeyInput {
  tenantId: string;
  appId: string;
  name: string;
  allowedModels?: string[];
  expiresAt?: number;
  /** Defaults to a random UUID. */
  id?: string;
}

export interface CreatedVirtualKey {
  record: ApiKeyRecord;
  /** The full key: show it once, never store or log it. */
  key: string;
}

export async function createVirtualKey(store: HubStore, input: CreateVirtualKeyInput, now: () => number = Date.now): Promise<CreatedVirtualKey> {
  const app = (await store.listApps()).find((a) => a.id === input.appId);
  if (app === undefined) throw new HubError('not_found', `app "${input.appId}" does not exist: create it first (zhongshu apply)`);
  if (app.tenantId !== input.tenantId) throw new HubError('invalid_request', `app "${input.appId}" belongs to tenant "${app.tenantId}", not "${input.tenantId}"`);
  const key = generateVirtualKey();
  const record: ApiKeyRecord = {
    id: input.id ?? randomUUID(),
    tenantId: input.tenantId,
    appId: input.appId,
    name: input.name,
    prefix: displayPrefix(key),
    hash: hashVirtualKey(key),
    createdAt: now(),
    ...(input.allowedModels !== undefined && input.allowedModels.length > 0 ? { allowedModels: input.allowedModels } : {}),
    ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
  };
  await store.insertApiKey(record);
  return { record, key };
}
