/**
 * One admin route = one declarative spec: method, path, zod schemas for params, query, body
 * and response, and a handler that receives validated input and the authenticated caller.
 * The same specs register the Fastify routes and generate the OpenAPI document, so the two
 * cannot drift apart.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HubError } from '../../core/errors.js';
import type { AdminCaller } from '../../governance/admin/admin-caller.js';
import type { AdminServices } from '../../governance/admin/admin-services.js';
import { invalidRequestFromZod } from '../errors/index.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface AdminRouteContext<P, Q, B> {
  services: AdminServices;
  /** Undefined only on public routes. */
  caller: AdminCaller;
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface AdminRouteSpec<P, Q, B> {
  method: HttpMethod;
  /** Fastify syntax below the admin prefix, e.g. `/tenants/:id`. */
  path: string;
  tag: string;
  summary: string;
  /** `public`: no admin authentication (login, OpenAPI). Default `admin`. */
  auth?: 'public' | 'admin';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Body is optional (e.g. rotate with defaults). */
  bodyOptional?: boolean;
  response?: z.ZodType;
  /** Success status; default 200 (201 create, 204 delete with no body). */
  status?: number;
  handler(ctx: AdminRouteContext<P, Q, B>): Promise<unknown>;
}

/** A spec with its types erased, for lists of routes. */
export interface AdminRoute {
  method: HttpMethod;
  path: string;
  tag: string;
  summary: string;
  auth: 'public' | 'admin';
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  bodyOptional: boolean;
  response?: z.ZodType;
  status: number;
  handler(ctx: AdminRouteContext<unknown, unknown, unknown>): Promise<unknown>;
}

export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(spec: AdminRouteSpec<P, Q, B>): AdminRoute {
  return {
    ...spec,
    auth: spec.auth ?? 'admin',
    bodyOptional: spec.bodyOptional ?? false,
    status: spec.status ?? 200,
    handler: spec.handler as AdminRoute['handler'],
  } as AdminRoute;
}

export const ADMIN_PREFIX = '/admin/api/v1';

function parseWith(schema: z.ZodType | undefined, value: unknown, root: string): unknown {
  if (schema === undefined) return {};
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw invalidRequestFromZod(parsed.error, root === '' ? [] : [root]);
  return parsed.data;
}

function bearerOf(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth !== 'string') return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1];
}

/** Registers every route under ADMIN_PREFIX. Errors go to the server's error handler (OpenAI JSON). */
export function registerAdminRoutes(app: FastifyInstance, routes: readonly AdminRoute[], services: AdminServices): void {
  void app.register(
    async (scope) => {
      scope.addHook('onSend', async (_request, reply, payload) => {
        reply.header('cache-control', 'no-store');
        return payload;
      });
      for (const route of routes) {
        scope.route({
          method: route.method,
          url: route.path,
          handler: async (request, reply) => {
            const caller = route.auth === 'public' ? undefined : await services.auth.authenticate(bearerOf(request), request.id);
            const params = parseWith(route.params, request.params, '');
            const query = parseWith(route.query, request.query, '');
            let body: unknown;
            if (route.body !== undefined) {
              if ((request.body === undefined || request.body === null) && route.bodyOptional) body = undefined;
              else if (request.body === undefined || request.body === null) throw new HubError('invalid_request', 'A JSON request body is required.');
              else body = parseWith(route.body, request.body, '');
            }
            const result = await route.handler({ services, caller: caller as AdminCaller, params, query, body, request, reply });
            if (route.status === 204) return reply.code(204).send();
            return reply.code(route.status).send(result);
          },
        });
      }
    },
    { prefix: ADMIN_PREFIX },
  );
}
