/** /users: admin users (no escalation; disable instead of delete). */
import { z } from 'zod';
import { adminUserViewSchema } from './admin-auth-routes.js';
import { defineRoute, type AdminRoute } from './admin-route.js';
import { boolQuery, idParams, pageOf, pageQuery, roleSchema } from './admin-schemas.js';

const username = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/, { error: 'expected 2–64 letters, digits, ".", "_", "-" or "@"' });
const password = z.string().min(8).max(256);

export const userRoutes: AdminRoute[] = [
  defineRoute({
    method: 'GET', path: '/users', tag: 'users', summary: 'List admin users you can see.',
    query: z.strictObject({ ...pageQuery, role: roleSchema.optional(), tenantId: z.string().max(200).optional(), disabled: boolQuery.optional() }),
    response: pageOf(adminUserViewSchema),
    handler: ({ services, caller, query }) => services.users.list(caller, query, query),
  }),
  defineRoute({
    method: 'POST', path: '/users', tag: 'users', status: 201,
    summary: 'Create an admin user. Tenant admins may create tenant_admin or viewer users of their own tenant only.',
    body: z.strictObject({ username, password, role: roleSchema, tenantId: z.string().min(1).max(200).optional() }),
    response: adminUserViewSchema,
    handler: ({ services, caller, body }) => services.users.create(caller, body),
  }),
  defineRoute({
    method: 'GET', path: '/users/:id', tag: 'users', summary: 'Get an admin user.', params: idParams, response: adminUserViewSchema,
    handler: ({ services, caller, params }) => services.users.get(caller, params.id),
  }),
  defineRoute({
    method: 'PATCH', path: '/users/:id', tag: 'users',
    summary: 'Change role, tenant scope (null: platform-wide), password, or disable/enable. Password change or disable ends the user\'s sessions.',
    params: idParams,
    body: z.strictObject({ role: roleSchema.optional(), tenantId: z.string().min(1).max(200).nullable().optional(), password: password.optional(), disabled: z.boolean().optional() }),
    response: adminUserViewSchema,
    handler: ({ services, caller, params, body }) => services.users.update(caller, params.id, body),
  }),
];
