/** /budgets, /rate-limits (definitions; enforcement is in gateway/limits) and /audit. */
import { z } from 'zod';
import { defineRoute, type AdminRoute } from './admin-route.js';
import { currencySchema, idParams, objectId, pageOf, pageQuery } from './admin-schemas.js';

const scopeKind = z.enum(['tenant', 'app', 'key', 'end_user', 'deployment']);
const period = z.enum(['day', 'month', 'total']);
const mode = z.enum(['hard', 'degrade']);
const thresholds = z.array(z.number().int().min(1).max(1000)).max(10);
const budgetView = z.object({
  id: z.string(), scope: z.string(), tenantId: z.string(), period, limitMicros: z.number().int(), currency: currencySchema, mode,
  alertThresholds: thresholds.optional(), timeZone: z.string().optional(), createdAt: z.number(), updatedAt: z.number(),
});
const rateLimitView = z.object({ scope: z.string(), tenantId: z.string().optional(), rpm: z.number().int().optional(), tpm: z.number().int().optional(), updatedAt: z.number() });
const auditView = z.object({
  id: z.number().int(), at: z.number(), requestId: z.string().optional(), actorType: z.enum(['user', 'token', 'system']), actorId: z.string(),
  actorName: z.string(), actorTokenId: z.string().optional(), action: z.string(), targetType: z.string(), targetId: z.string(),
  tenantId: z.string().optional(), before: z.unknown().optional(), after: z.unknown().optional(),
});
const scopeParams = z.strictObject({ scope: z.string().min(3).max(300) });
const limitFilter = { ...pageQuery, tenantId: z.string().max(200).optional(), kind: scopeKind.optional() };

export const limitRoutes: AdminRoute[] = [
  defineRoute({
    method: 'GET', path: '/budgets', tag: 'budgets', summary: 'List budgets you can see.', query: z.strictObject(limitFilter), response: pageOf(budgetView),
    handler: ({ services, caller, query }) => services.limits.listBudgets(caller, query, query),
  }),
  defineRoute({
    method: 'POST', path: '/budgets', tag: 'budgets', status: 201,
    summary: 'Create a budget. tenant: scopes need a platform admin; app:, key:, end_user:<tenant>/<tag> scopes a tenant admin of that tenant.',
    body: z.strictObject({
      id: objectId.optional(), scope: z.string().min(3).max(300), period, limitMicros: z.number().int().min(0), currency: currencySchema, mode,
      alertThresholds: thresholds.optional(), timeZone: z.string().max(64).optional(),
    }),
    response: budgetView,
    handler: ({ services, caller, body }) => services.limits.createBudget(caller, body),
  }),
  defineRoute({
    method: 'GET', path: '/budgets/:id', tag: 'budgets', summary: 'Get a budget.', params: idParams, response: budgetView,
    handler: ({ services, caller, params }) => services.limits.getBudget(caller, params.id),
  }),
  defineRoute({
    method: 'PATCH', path: '/budgets/:id', tag: 'budgets', summary: 'Change limit, period, currency, mode, thresholds or time zone (scope is fixed).',
    params: idParams,
    body: z.strictObject({ period: period.optional(), limitMicros: z.number().int().min(0).optional(), currency: currencySchema.optional(), mode: mode.optional(), alertThresholds: thresholds.optional(), timeZone: z.string().max(64).optional() }),
    response: budgetView,
    handler: ({ services, caller, params, body }) => services.limits.updateBudget(caller, params.id, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/budgets/:id', tag: 'budgets', status: 204, summary: 'Delete a budget.', params: idParams,
    handler: ({ services, caller, params }) => services.limits.deleteBudget(caller, params.id),
  }),

  defineRoute({
    method: 'GET', path: '/rate-limits', tag: 'rate-limits', summary: 'List RPM/TPM rules you can see.', query: z.strictObject(limitFilter), response: pageOf(rateLimitView),
    handler: ({ services, caller, query }) => services.limits.listRateLimits(caller, query, query),
  }),
  defineRoute({
    method: 'GET', path: '/rate-limits/:scope', tag: 'rate-limits', summary: 'Get the rule of a scope (e.g. app:crm).', params: scopeParams, response: rateLimitView,
    handler: ({ services, caller, params }) => services.limits.getRateLimit(caller, params.scope),
  }),
  defineRoute({
    method: 'PUT', path: '/rate-limits/:scope', tag: 'rate-limits',
    summary: 'Set the RPM/TPM rule of tenant:, app:, key: or deployment: scope (tenant and deployment: platform admin).',
    params: scopeParams, body: z.strictObject({ rpm: z.number().int().min(0).optional(), tpm: z.number().int().min(0).optional() }), response: rateLimitView,
    handler: ({ services, caller, params, body }) => services.limits.putRateLimit(caller, params.scope, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/rate-limits/:scope', tag: 'rate-limits', status: 204, summary: 'Remove the rule of a scope.', params: scopeParams,
    handler: ({ services, caller, params }) => services.limits.deleteRateLimit(caller, params.scope),
  }),

  defineRoute({
    method: 'GET', path: '/audit', tag: 'audit', summary: 'Audit events, newest first. Tenant-scoped callers see their tenant only.',
    query: z.strictObject({
      limit: pageQuery.limit, cursor: z.string().regex(/^\d+$/).optional(),
      actorId: z.string().max(200).optional(), action: z.string().max(100).optional(), targetType: z.string().max(100).optional(),
      targetId: z.string().max(300).optional(), tenantId: z.string().max(200).optional(),
      from: z.coerce.number().int().min(0).optional().describe('epoch ms, inclusive'), to: z.coerce.number().int().min(0).optional().describe('epoch ms, exclusive'),
    }),
    response: pageOf(auditView),
    handler: ({ services, caller, query }) => services.audit.query(caller, query),
  }),
];
