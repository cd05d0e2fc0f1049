/** /auth: login, logout, me, own password, admin API tokens. */
import { z } from 'zod';
import { defineRoute, type AdminRoute } from './admin-route.js';
import { epochMs, idParams, name, roleSchema } from './admin-schemas.js';

const userView = z.object({
  id: z.string(), username: z.string(), role: roleSchema, tenantId: z.string().optional(),
  createdAt: z.number(), disabled: z.boolean(), disabledAt: z.number().optional(),
});
export const adminUserViewSchema = userView;

const tokenView = z.object({
  id: z.string(), kind: z.enum(['session', 'api_token']), userId: z.string(), name: z.string().optional(), prefix: z.string(),
  createdAt: z.number(), expiresAt: z.number().optional(), revokedAt: z.number().optional(),
});

const password = z.string().min(8).max(256);

export const authRoutes: AdminRoute[] = [
  defineRoute({
    method: 'POST', path: '/auth/login', tag: 'auth', auth: 'public',
    summary: 'Log in with username and password; returns a session token (Bearer) valid for 12 hours.',
    body: z.strictObject({ username: z.string().min(1).max(200), password: z.string().min(1).max(256) }),
    response: z.object({ token: z.string(), expiresAt: z.number(), user: userView }),
    async handler({ services, body, request }) {
      const issued = await services.auth.login(body.username, body.password, request.ip, request.id);
      return { token: issued.token, expiresAt: issued.record.expiresAt, user: issued.user };
    },
  }),
  defineRoute({
    method: 'POST', path: '/auth/logout', tag: 'auth', status: 204,
    summary: 'End the session (or revoke the admin token) used for this request.',
    async handler({ services, caller }) {
      await services.auth.logout(caller);
    },
  }),
  defineRoute({
    method: 'GET', path: '/auth/me', tag: 'auth',
    summary: 'The authenticated user, its role and tenant scope.',
    response: userView.extend({ via: z.enum(['session', 'api_token']), tokenId: z.string() }),
    handler: ({ services, caller }) => services.auth.me(caller),
  }),
  defineRoute({
    method: 'POST', path: '/auth/password', tag: 'auth', status: 204,
    summary: 'Change your own password (any role). Ends all your sessions: log in again.',
    body: z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: password }),
    async handler({ services, caller, body }) {
      await services.auth.changeOwnPassword(caller, body.currentPassword, body.newPassword);
    },
  }),
  defineRoute({
    method: 'GET', path: '/auth/tokens', tag: 'auth',
    summary: 'Your admin API tokens (platform admins: `?all=true` for everyone\'s).',
    query: z.strictObject({ all: z.enum(['true', 'false']).optional() }),
    response: z.object({ data: z.array(tokenView) }),
    async handler({ services, caller, query }) {
      return { data: await services.auth.listApiTokens(caller, query.all === 'true') };
    },
  }),
  defineRoute({
    method: 'POST', path: '/auth/tokens', tag: 'auth', status: 201,
    summary: 'Create a long-lived admin API token acting as you. The token is shown once.',
    body: z.strictObject({ name, expiresAt: epochMs.optional() }),
    response: tokenView.extend({ token: z.string() }),
    async handler({ services, caller, body }) {
      const issued = await services.auth.createApiToken(caller, body.name, body.expiresAt);
      return { ...issued.record, token: issued.token };
    },
  }),
  defineRoute({
    method: 'DELETE', path: '/auth/tokens/:id', tag: 'auth',
    summary: 'Revoke one of your admin API tokens (platform admins: any).',
    params: idParams,
    response: tokenView,
    handler: ({ services, caller, params }) => services.auth.revokeApiToken(caller, params.id),
  }),
];
