/** Public surface of the governance services (used by main, the CLI and, later, the admin API). */
export { applyHubFile, type ApplyChange, type ApplyKind, type ApplyOptions, type ApplySummary } from './apply.js';
export { exportHubFile } from './export.js';
export { createCatalogHolder, type CatalogHolder, type CatalogHolderOptions } from './catalog-loader.js';
export { bootstrapHub, BOOTSTRAP_ADMIN_USERNAME, DEFAULT_APP_ID, DEFAULT_TENANT_ID, DEMO_KEY_ID, type BootstrapOptions, type BootstrapResult } from './bootstrap.js';
export { displayPrefix, generateVirtualKey, hashVirtualKey, isWellFormedVirtualKey } from './keys.js';
export { generateAdminPassword, hashAdminPassword, verifyAdminPassword } from './admin-password.js';
export { createVirtualKey, type CreateVirtualKeyInput, type CreatedVirtualKey } from './key-service.js';
