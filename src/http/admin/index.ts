/** Public surface of the admin HTTP API. */
export { adminApiRoutes, allAdminRoutes, ADMIN_RESOURCE_ROUTES } from './admin-api.js';
export { buildOpenApiDocument, openApiPath } from './admin-openapi.js';
export { ADMIN_PREFIX, type AdminRoute } from './admin-route.js';
