/** Public surface of the admin services (admin API, CLI, YAML apply). */
export { createAdminServices, type AdminServices, type AdminServicesOptions } from './admin-services.js';
export { systemAdminCaller, type AdminCaller } from './admin-caller.js';
export { CredentialVault, storedSecretResolver, MASTER_KEY_MISSING, type CredentialView } from './admin-credentials.js';
export { deriveMasterKey, encryptSecret, decryptSecret, maskSecret } from './admin-crypto.js';
export { redactSecrets } from './admin-redact.js';
export type { Page, PageRequest } from './admin-page.js';
