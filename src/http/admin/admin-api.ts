/**
 * The admin API under /admin/api/v1: every route spec, plus GET /openapi.json generated from
 * them. Plug into the HTTP shell with `HttpDeps.extraRoutes: [adminApiRoutes(services)]`.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminServices } from '../../governance/admin/admin-services.js';
import { authRoutes } from './admin-auth-routes.js';
import { budgetStatusRoutes } from './admin-budget-status-routes.js';
import { keyRoutes } from './admin-key-routes.js';
import { limitRoutes } from './admin-limit-routes.js';
import { buildOpenApiDocument } from './admin-openapi.js';
import { providerRoutes } from './admin-provider-routes.js';
import { defineRoute, registerAdminRoutes, type AdminRoute } from './admin-route.js';
import { schedulingRoutes } from './admin-scheduling-routes.js';
import { tenantRoutes } from './admin-tenant-routes.js';
import { userRoutes } from './admin-user-routes.js';
import { usageRoutes } from './admin-usage-routes.js';

/** Every resource route (the OpenAPI route itself is added by `allAdminRoutes`). */
export const ADMIN_RESOURCE_ROUTES: readonly AdminRoute[] = [...authRoutes, ...tenantRoutes, ...keyRoutes, ...userRoutes, ...providerRoutes, ...budgetStatusRoutes, ...limitRoutes, ...usageRoutes, ...schedulingRoutes];

let cachedDocument: Record<string, unknown> | undefined;

/** The resource routes plus GET /openapi.json. */
export function allAdminRoutes(): AdminRoute[] {
  const openapi = defineRoute({
    method: 'GET', path: '/openapi.json', tag: 'meta', auth: 'public', summary: 'This OpenAPI 3.1 document.',
    async handler() {
      cachedDocument ??= buildOpenApiDocument([...ADMIN_RESOURCE_ROUTES, openapi]);
      return cachedDocument;
    },
  });
  return [...ADMIN_RESOURCE_ROUTES, openapi];
}

/** For `HttpDeps.extraRoutes`. */
export function adminApiRoutes(services: AdminServices): (app: FastifyInstance) => void {
  return (app) => registerAdminRoutes(app, allAdminRoutes(), services);
}
