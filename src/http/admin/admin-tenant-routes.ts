/** /tenants and /apps. */
import { z } from 'zod';
import { defineRoute, type AdminRoute } from './admin-route.js';
import { appDefaults, idParams, name, objectId, pageOf, pageQuery, rpmTpm } from './admin-schemas.js';

const status = z.enum(['active', 'suspended']);
const tenantView = z.object({ id: z.string(), name: z.string(), status, createdAt: z.number() });
const appView = z.object({ id: z.string(), tenantId: z.string(), name: z.string(), defaults: appDefaults, createdAt: z.number(), limits: rpmTpm.optional() });

export const tenantRoutes: AdminRoute[] = [
  defineRoute({
    method: 'GET', path: '/tenants', tag: 'tenants', summary: 'List tenants you can see.',
    query: z.strictObject({ ...pageQuery, status: status.optional(), q: z.string().max(200).optional() }),
    response: pageOf(tenantView),
    handler: ({ services, caller, query }) => services.tenants.list(caller, query, query),
  }),
  defineRoute({
    method: 'POST', path: '/tenants', tag: 'tenants', status: 201, summary: 'Create a tenant (platform admin).',
    body: z.strictObject({ id: objectId.optional(), name, status: status.optional() }),
    response: tenantView,
    handler: ({ services, caller, body }) => services.tenants.create(caller, body),
  }),
  defineRoute({
    method: 'GET', path: '/tenants/:id', tag: 'tenants', summary: 'Get a tenant.', params: idParams, response: tenantView,
    handler: ({ services, caller, params }) => services.tenants.get(caller, params.id),
  }),
  defineRoute({
    method: 'PATCH', path: '/tenants/:id', tag: 'tenants', summary: 'Rename or suspend/activate a tenant (platform admin).',
    params: idParams, body: z.strictObject({ name: name.optional(), status: status.optional() }), response: tenantView,
    handler: ({ services, caller, params, body }) => services.tenants.update(caller, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/tenants/:id', tag: 'tenants', status: 204, summary: 'Delete a tenant that has no apps (platform admin).',
    params: idParams,
    handler: ({ services, caller, params }) => services.tenants.delete(caller, params.id),
  }),

  defineRoute({
    method: 'GET', path: '/apps', tag: 'apps', summary: 'List apps (business lines) you can see.',
    query: z.strictObject({ ...pageQuery, tenantId: z.string().max(200).optional(), q: z.string().max(200).optional() }),
    response: pageOf(appView),
    handler: ({ services, caller, query }) => services.apps.list(caller, query, query),
  }),
  defineRoute({
    method: 'POST', path: '/apps', tag: 'apps', status: 201, summary: 'Create an app in a tenant, with defaults and RPM/TPM limits.',
    body: z.strictObject({ id: objectId.optional(), tenantId: z.string().min(1).max(200), name, defaults: appDefaults.optional(), limits: rpmTpm.optional() }),
    response: appView,
    handler: ({ services, caller, body }) => services.apps.create(caller, body),
  }),
  defineRoute({
    method: 'GET', path: '/apps/:id', tag: 'apps', summary: 'Get an app.', params: idParams, response: appView,
    handler: ({ services, caller, params }) => services.apps.get(caller, params.id),
  }),
  defineRoute({
    method: 'PATCH', path: '/apps/:id', tag: 'apps', summary: 'Rename an app, replace its defaults or set its limits (null removes them).',
    params: idParams, body: z.strictObject({ name: name.optional(), defaults: appDefaults.optional(), limits: rpmTpm.nullable().optional() }), response: appView,
    handler: ({ services, caller, params, body }) => services.apps.update(caller, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/apps/:id', tag: 'apps', status: 204, summary: 'Delete an app with no unrevoked keys.',
    params: idParams,
    handler: ({ services, caller, params }) => services.apps.delete(caller, params.id),
  }),
];
