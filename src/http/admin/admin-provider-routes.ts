/** /providers (+ stored credential), /deployments, /aliases: platform objects. */
import { z } from 'zod';
import { defineRoute, type AdminRoute } from './admin-route.js';
import { idParams, nameParams, objectId, optionValues, pageOf, pageQuery, positiveInt, priceSchema, tierSchema } from './admin-schemas.js';

const apiKey = z.string().min(1).max(4096).describe('The provider secret; stored encrypted, never returned');
const credentialRef = z.string().regex(/^env:[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected env:NAME' });
const credentialView = z.object({ providerId: z.string(), mask: z.string(), keyId: z.string(), updatedAt: z.number() });
const providerView = z.object({
  id: z.string(), kind: z.string(), baseUrl: z.string().optional(), credentialRef: z.string().optional(),
  headers: z.record(z.string(), z.string()), options: optionValues, allowPrivateNetwork: z.boolean(), credential: credentialView.nullable(),
});
const baseUrl = z.url({ protocol: /^https?$/ }).max(2000);
const headers = z.record(z.string().min(1).max(100), z.string().max(4000));

const deploymentStatus = z.enum(['enabled', 'disabled', 'draining']);
const deploymentLimits = z.strictObject({ rpm: positiveInt.optional(), tpm: positiveInt.optional(), concurrency: positiveInt.optional() });
const deploymentFields = {
  providerId: z.string().min(1).max(200),
  model: z.string().min(1).max(200),
  tier: tierSchema,
  capabilities: z.array(z.string().min(1).max(64)).max(64),
  contextWindow: positiveInt,
  maxOutputTokens: positiveInt,
  price: priceSchema,
  limits: deploymentLimits,
  weight: z.number().min(0).max(1_000_000),
  quality: z.number().min(0).max(1),
  status: deploymentStatus,
  options: optionValues,
};
const deploymentView = z.object({ id: z.string(), ...deploymentFields, maxOutputTokens: positiveInt.optional(), price: priceSchema.optional(), quality: z.number().optional(), options: optionValues.optional() });
const createDeployment = z.strictObject({
  id: objectId,
  ...deploymentFields,
  capabilities: deploymentFields.capabilities.default([]),
  maxOutputTokens: positiveInt.optional(),
  price: priceSchema.optional(),
  limits: deploymentLimits.default({}),
  weight: deploymentFields.weight.default(1),
  quality: deploymentFields.quality.optional(),
  status: deploymentStatus.default('enabled'),
  options: optionValues.optional(),
});
const patchDeployment = z.strictObject({
  providerId: deploymentFields.providerId.optional(), model: deploymentFields.model.optional(), tier: tierSchema.optional(),
  capabilities: deploymentFields.capabilities.optional(), contextWindow: positiveInt.optional(), maxOutputTokens: positiveInt.nullable().optional(),
  price: priceSchema.nullable().optional(), limits: deploymentLimits.optional(), weight: deploymentFields.weight.optional(),
  quality: deploymentFields.quality.nullable().optional(), status: deploymentStatus.optional(), options: optionValues.nullable().optional(),
});

const aliasMember = z.strictObject({ deploymentId: z.string().min(1).max(200), weight: z.number().min(0).max(1_000_000), canary: z.boolean().optional() });
const aliasView = z.object({ name: z.string(), description: z.string().optional(), members: z.array(aliasMember) });

export const providerRoutes: AdminRoute[] = [
  defineRoute({
    method: 'GET', path: '/providers', tag: 'providers', summary: 'List providers (platform-wide callers). Secret-looking header values show as ***.',
    query: z.strictObject({ ...pageQuery, kind: z.string().max(64).optional() }), response: pageOf(providerView),
    handler: ({ services, caller, query }) => services.providers.list(caller, query, query),
  }),
  defineRoute({
    method: 'POST', path: '/providers', tag: 'providers', status: 201,
    summary: 'Create a provider. Give apiKey to store the secret encrypted (needs ZHONGSHU_MASTER_KEY), or credentialRef env:NAME.',
    body: z.strictObject({
      id: objectId, kind: z.string().min(1).max(64), baseUrl: baseUrl.optional(), headers: headers.optional(), options: optionValues.optional(),
      allowPrivateNetwork: z.boolean().optional(), credentialRef: credentialRef.optional(), apiKey: apiKey.optional(),
    }),
    response: providerView,
    handler: ({ services, caller, body }) => services.providers.create(caller, body),
  }),
  defineRoute({
    method: 'GET', path: '/providers/:id', tag: 'providers', summary: 'Get a provider.', params: idParams, response: providerView,
    handler: ({ services, caller, params }) => services.providers.get(caller, params.id),
  }),
  defineRoute({
    method: 'PATCH', path: '/providers/:id', tag: 'providers', summary: 'Update a provider (null clears baseUrl / credentialRef).',
    params: idParams,
    body: z.strictObject({
      kind: z.string().min(1).max(64).optional(), baseUrl: baseUrl.nullable().optional(), headers: headers.optional(), options: optionValues.optional(),
      allowPrivateNetwork: z.boolean().optional(), credentialRef: credentialRef.nullable().optional(), apiKey: apiKey.optional(),
    }),
    response: providerView,
    handler: ({ services, caller, params, body }) => services.providers.update(caller, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/providers/:id', tag: 'providers', status: 204, summary: 'Delete a provider no deployment uses (and its stored credential).',
    params: idParams,
    handler: ({ services, caller, params }) => services.providers.delete(caller, params.id),
  }),
  defineRoute({
    method: 'GET', path: '/providers/:id/credential', tag: 'providers', summary: 'The stored credential: mask and key id only.',
    params: idParams, response: credentialView,
    handler: ({ services, caller, params }) => services.providers.getCredential(caller, params.id),
  }),
  defineRoute({
    method: 'PUT', path: '/providers/:id/credential', tag: 'providers', summary: 'Store or replace the provider secret, encrypted (AES-256-GCM).',
    params: idParams, body: z.strictObject({ apiKey }), response: credentialView,
    handler: ({ services, caller, params, body }) => services.providers.putCredential(caller, params.id, body.apiKey),
  }),
  defineRoute({
    method: 'DELETE', path: '/providers/:id/credential', tag: 'providers', status: 204, summary: 'Delete the stored secret (the provider then has no credential).',
    params: idParams,
    handler: ({ services, caller, params }) => services.providers.deleteCredential(caller, params.id),
  }),

  defineRoute({
    method: 'GET', path: '/deployments', tag: 'deployments', summary: 'List deployments (every admin may read).',
    query: z.strictObject({ ...pageQuery, providerId: z.string().max(200).optional(), tier: tierSchema.optional(), status: deploymentStatus.optional() }),
    response: pageOf(deploymentView),
    handler: ({ services, caller, query }) => services.deployments.list(caller, query, query),
  }),
  defineRoute({
    method: 'POST', path: '/deployments', tag: 'deployments', status: 201, summary: 'Create a deployment (prices in integer micro-units per 1M tokens).',
    body: createDeployment, response: deploymentView,
    handler: ({ services, caller, body }) => services.deployments.create(caller, body),
  }),
  defineRoute({
    method: 'GET', path: '/deployments/:id', tag: 'deployments', summary: 'Get a deployment.', params: idParams, response: deploymentView,
    handler: ({ services, caller, params }) => services.deployments.get(caller, params.id),
  }),
  defineRoute({
    method: 'PATCH', path: '/deployments/:id', tag: 'deployments', summary: 'Update a deployment (e.g. status draining; null clears optional fields).',
    params: idParams, body: patchDeployment, response: deploymentView,
    handler: ({ services, caller, params, body }) => services.deployments.update(caller, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/deployments/:id', tag: 'deployments', status: 204, summary: 'Delete a deployment that no alias lists.',
    params: idParams,
    handler: ({ services, caller, params }) => services.deployments.delete(caller, params.id),
  }),

  defineRoute({
    method: 'GET', path: '/aliases', tag: 'aliases', summary: 'List model aliases (every admin may read).',
    query: z.strictObject({ ...pageQuery, q: z.string().max(200).optional() }), response: pageOf(aliasView),
    handler: ({ services, caller, query }) => services.aliases.list(caller, query, query),
  }),
  defineRoute({
    method: 'POST', path: '/aliases', tag: 'aliases', status: 201, summary: 'Create an alias: weighted deployments, canary members for gray release.',
    body: z.strictObject({ name: objectId, description: z.string().max(500).optional(), members: z.array(aliasMember).min(1).max(100) }),
    response: aliasView,
    handler: ({ services, caller, body }) => services.aliases.create(caller, body),
  }),
  defineRoute({
    method: 'GET', path: '/aliases/:name', tag: 'aliases', summary: 'Get an alias.', params: nameParams, response: aliasView,
    handler: ({ services, caller, params }) => services.aliases.get(caller, params.name),
  }),
  defineRoute({
    method: 'PATCH', path: '/aliases/:name', tag: 'aliases', summary: 'Replace members (e.g. canary weight) or the description.',
    params: nameParams, body: z.strictObject({ description: z.string().max(500).nullable().optional(), members: z.array(aliasMember).min(1).max(100).optional() }),
    response: aliasView,
    handler: ({ services, caller, params, body }) => services.aliases.update(caller, params.name, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/aliases/:name', tag: 'aliases', status: 204, summary: 'Delete an alias.',
    params: nameParams,
    handler: ({ services, caller, params }) => services.aliases.delete(caller, params.name),
  }),
];
