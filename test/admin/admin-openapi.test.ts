/** The OpenAPI 3.1 document describes every registered admin route, from the same zod schemas. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allAdminRoutes, openApiPath } from '../../src/http/admin/index.js';
import { adminClient, startAdminTestHub, type AdminTestHub } from './admin-harness.js';

let hub: AdminTestHub;
let doc: any;

beforeAll(async () => {
  hub = await startAdminTestHub();
  const r = await adminClient(hub.url)('GET', '/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body;
});
afterAll(async () => {
  await hub?.close();
});

describe('GET /admin/api/v1/openapi.json', () => {
  it('is OpenAPI 3.1 with bearer security', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists every registered admin route, and nothing else', () => {
    const registered = allAdminRoutes().map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`).sort();
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)).sort();
    expect(documented).toEqual(registered);
  });

  it('describes path parameters, strict request bodies and error responses', () => {
    const op = doc.paths['/admin/api/v1/keys/{id}'].patch;
    expect(op.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
    expect(op.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(Object.keys(op.requestBody.content['application/json'].schema.properties).sort()).toEqual(['allowedModels', 'expiresAt', 'limits', 'name']);
    expect(op.responses['4XX'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    const list = doc.paths['/admin/api/v1/keys'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'tenantId', 'appId', 'status']));
    expect(doc.paths['/admin/api/v1/auth/login'].post.security).toEqual([]);
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: object; operationId: string }>>)) {
      for (const [method, operation] of Object.entries(ops)) {
        expect(Object.keys(operation.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
      }
    }
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
