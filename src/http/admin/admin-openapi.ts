/**
 * The OpenAPI 3.1 document of the admin API, generated from the route specs' zod schemas
 * (`z.toJSONSchema`, JSON Schema 2020-12 — the dialect OpenAPI 3.1 uses).
 */
import { z } from 'zod';
import { ADMIN_PREFIX, type AdminRoute } from './admin-route.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json['$schema'];
  return json;
}

/** Query/path schemas become parameter lists. */
function parametersOf(schema: z.ZodType | undefined, where: 'query' | 'path'): JsonSchema[] {
  if (schema === undefined) return [];
  const json = schemaOf(schema, 'input');
  const props = (json['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json['required'] as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
    ...(typeof s['description'] === 'string' ? { description: s['description'] } : {}),
  }));
}

const errorSchema: JsonSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { message: { type: 'string' }, type: { type: 'string' }, param: { type: ['string', 'null'] }, code: { type: 'string' } },
      required: ['message', 'type', 'param', 'code'],
    },
  },
  required: ['error'],
};

/** `/tenants/:id` → `/tenants/{id}`. */
export function openApiPath(path: string): string {
  return ADMIN_PREFIX + path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function operationOf(route: AdminRoute): JsonSchema {
  const errorRef = { description: 'Error (OpenAI-style JSON)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const success: JsonSchema =
    route.status === 204
      ? { description: 'No content' }
      : { description: 'OK', ...(route.response ? { content: { 'application/json': { schema: schemaOf(route.response, 'output') } } } : {}) };
  return {
    tags: [route.tag],
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[/:.-]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(route.auth === 'public' ? { security: [] } : {}),
    parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
    ...(route.body
      ? { requestBody: { required: !route.bodyOptional, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } } }
      : {}),
    responses: { [String(route.status)]: success, '4XX': errorRef },
  };
}

export function buildOpenApiDocument(routes: readonly AdminRoute[], version = '0.1.0'): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const key = openApiPath(route.path);
    paths[key] ??= {};
    (paths[key] as Record<string, JsonSchema>)[route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Zhongshu (中枢) Admin API',
      version,
      description: 'Tenants, apps, virtual keys, admin users, providers and credentials, deployments, aliases, budgets, rate limits and audit. See docs/admin-api.md.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A session token from POST /auth/login or an admin API token' } },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
