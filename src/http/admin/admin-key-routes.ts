/** /keys: virtual keys (secret shown once on create and rotate). */
import { z } from 'zod';
import { MAX_ROTATE_GRACE_SECONDS } from '../../governance/admin/admin-keys.js';
import { defineRoute, type AdminRoute } from './admin-route.js';
import { epochMs, idParams, modelList, name, pageOf, pageQuery, rpmTpm } from './admin-schemas.js';

const keyStatus = z.enum(['active', 'revoked', 'expired']);
const keyView = z.object({
  id: z.string(), tenantId: z.string(), appId: z.string(), name: z.string(), prefix: z.string(), status: keyStatus,
  allowedModels: z.array(z.string()).optional(), expiresAt: z.number().optional(), revokedAt: z.number().optional(),
  createdAt: z.number(), limits: rpmTpm.optional(),
});
const issuedKey = keyView.extend({ key: z.string().describe('The full virtual key — shown once'), rotatedFrom: z.string().optional() });

export const keyRoutes: AdminRoute[] = [
  defineRoute({
    method: 'GET', path: '/keys', tag: 'keys', summary: 'List virtual keys you can see (never the secret or its hash).',
    query: z.strictObject({ ...pageQuery, tenantId: z.string().max(200).optional(), appId: z.string().max(200).optional(), status: keyStatus.optional() }),
    response: pageOf(keyView),
    handler: ({ services, caller, query }) => services.keys.list(caller, query, query),
  }),
  defineRoute({
    method: 'POST', path: '/keys', tag: 'keys', status: 201, summary: 'Create a virtual key for an app; the response holds the key once.',
    body: z.strictObject({ appId: z.string().min(1).max(200), name, allowedModels: modelList.optional(), expiresAt: epochMs.optional(), limits: rpmTpm.optional() }),
    response: issuedKey,
    handler: ({ services, caller, body }) => services.keys.create(caller, body),
  }),
  defineRoute({
    method: 'GET', path: '/keys/:id', tag: 'keys', summary: 'Get a virtual key.', params: idParams, response: keyView,
    handler: ({ services, caller, params }) => services.keys.get(caller, params.id),
  }),
  defineRoute({
    method: 'PATCH', path: '/keys/:id', tag: 'keys', summary: 'Rename, change allowed models, expiry or limits (null clears).',
    params: idParams,
    body: z.strictObject({ name: name.optional(), allowedModels: modelList.nullable().optional(), expiresAt: epochMs.nullable().optional(), limits: rpmTpm.nullable().optional() }),
    response: keyView,
    handler: ({ services, caller, params, body }) => services.keys.update(caller, params.id, body),
  }),
  defineRoute({
    method: 'POST', path: '/keys/:id/revoke', tag: 'keys', summary: 'Revoke a key; effective on the next request.', params: idParams, response: keyView,
    handler: ({ services, caller, params }) => services.keys.revoke(caller, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/keys/:id/rotate', tag: 'keys', status: 201, bodyOptional: true,
    summary: 'Issue a replacement key (shown once); the old key is revoked now, or expires after gracePeriodSeconds (max 7 days).',
    params: idParams,
    body: z.strictObject({ gracePeriodSeconds: z.number().int().min(0).max(MAX_ROTATE_GRACE_SECONDS).optional() }),
    response: issuedKey,
    handler: ({ services, caller, params, body }) => services.keys.rotate(caller, params.id, body?.gracePeriodSeconds ?? 0),
  }),
];
