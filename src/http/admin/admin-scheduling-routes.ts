/**
 * Scheduling routes (issue 4): GET /traces/:requestId (full decision trace), GET
 * /deployments/health (live health on this node) and POST /deployments/:id/health/:action
 * (operator overrides: force-open, disable, drain, reset).
 */
import { z } from 'zod';
import { HEALTH_ACTIONS, schedulingAdminOf, type HealthAction } from '../../governance/admin/admin-scheduling.js';
import { defineRoute, type AdminRoute } from './admin-route.js';

const attemptView = z.object({
  attempt: z.number().int(),
  deploymentId: z.string(),
  outcome: z.enum(['ok', 'error']),
  errorCode: z.string().optional(),
  latencyMs: z.number(),
});

const traceView = z.object({
  requestId: z.string(),
  tenantId: z.string(),
  requestedModel: z.string(),
  servedDeploymentId: z.string(),
  rank: z.number().int().describe('1-based position of the served deployment in the plan; 0 for a cache hit'),
  attempt: z.number().int().describe('Attempts made; 0 for a cache hit'),
  reason: z.string().describe('score, pinned, canary, escalated, degraded, panic, cache'),
  candidates: z.number().int(),
  filtered: z.record(z.string(), z.number().int()).describe('Candidates removed by each hard filter'),
  attempts: z.array(attemptView),
  plan: z.array(z.string()).describe('Deployment ids in plan order'),
  trace: z.record(z.string(), z.unknown()).describe('Scheduler detail: ladder, budget pressure, P2C pool, score parts per candidate'),
  at: z.number().describe('UTC epoch milliseconds'),
});

const healthView = z.object({
  deploymentId: z.string(),
  state: z.enum(['healthy', 'unknown', 'degraded', 'offline']),
  breaker: z.enum(['closed', 'open', 'half_open']),
  breakerOpenUntil: z.number().optional().describe('Epoch ms when an open breaker goes half-open'),
  throttledUntil: z.number().optional().describe('Epoch ms until which Retry-After throttles the deployment'),
  stalled: z.boolean(),
  inflight: z.number().int(),
  latencyMs: z.number().optional().describe('Peak-EWMA latency'),
  ttftMs: z.number().optional().describe('Peak-EWMA time to first token'),
  errorRate: z.number().describe('Time-decayed error rate 0..1'),
  override: z.enum(['force-open', 'disable', 'drain']).optional(),
  reasons: z.array(z.string()),
  configuredStatus: z.enum(['enabled', 'disabled', 'draining', 'unconfigured']),
});

export const schedulingRoutes: AdminRoute[] = [
  defineRoute({
    method: 'GET', path: '/traces/:requestId', tag: 'scheduling',
    summary: 'Full decision trace of a recent request (x-request-id). Tenant-scoped callers see their own tenant only.',
    params: z.strictObject({ requestId: z.string().min(1).max(200) }),
    response: traceView,
    handler: async ({ services, caller, params }) => schedulingAdminOf(services).trace(caller, params.requestId),
  }),
  defineRoute({
    method: 'GET', path: '/deployments/health', tag: 'scheduling',
    summary: 'Live health of every deployment on this node: state, breaker, EWMA latency and error rate, in flight, throttling (platform-wide callers).',
    response: z.object({ data: z.array(healthView) }),
    handler: async ({ services, caller }) => ({ data: await schedulingAdminOf(services).health(caller) }),
  }),
  defineRoute({
    method: 'POST', path: '/deployments/:id/health/:action', tag: 'scheduling',
    summary: 'Operator override on this node (platform admin, audited): force-open, disable, drain, or reset (clear the override).',
    params: z.strictObject({ id: z.string().min(1).max(200), action: z.enum(HEALTH_ACTIONS as [HealthAction, ...HealthAction[]]) }),
    response: healthView,
    handler: ({ services, caller, params }) => schedulingAdminOf(services).act(caller, params.id, params.action),
  }),
];
