/** GET /budgets/status: live spend, reservations and recent threshold alerts of visible budgets. */
import { z } from 'zod';
import { budgetStatusOf } from '../../governance/admin/admin-budget-status.js';
import { defineRoute, type AdminRoute } from './admin-route.js';

const statusView = z.object({
  id: z.string(), scope: z.string(), tenantId: z.string(), period: z.string(), limitMicros: z.number().int(), currency: z.string(), mode: z.string(),
  periodStart: z.number().describe('Start of the current period, epoch ms (0 for total budgets)'),
  periodEnd: z.number().nullable().describe('End of the current period, epoch ms; null for total budgets'),
  spentMicros: z.number().int().describe('Settled spend in the current period, micro-units of the budget currency'),
  reservedMicros: z.number().int().describe('Worst cases reserved by requests in flight'),
}).passthrough();

const alertView = z.object({
  budgetId: z.string(), scope: z.string(), period: z.string(), periodStart: z.number(), periodEnd: z.number(), mode: z.string(),
  thresholdPercent: z.number(), limitMicros: z.number().int(), spentMicros: z.number().int(), currency: z.string(), at: z.number(),
});

export const budgetStatusRoutes: AdminRoute[] = [
  defineRoute({
    method: 'GET', path: '/budgets/status', tag: 'budgets',
    summary: 'Current-period spend and reservations of the budgets you can see, and their recent threshold alerts (this node).',
    response: z.object({ budgets: z.array(statusView), alerts: z.array(alertView) }),
    handler: ({ services, caller }) => budgetStatusOf(services).status(caller),
  }),
];
